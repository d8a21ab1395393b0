import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { callerPath } from '../../../src/aws/awsFilePaths.js';
import { hasCommand } from '../../helpers/hasCommand.js';

// botocore opens AWS_CONFIG_FILE and friends after os.path.expandvars and os.path.expanduser.
const PATHS = [
  '~/.aws/config',
  '~',
  '~/',
  '~root/.aws/config',
  '~root',
  '~nosuchuser4711/.aws/config',
  '~nosuchuser4711',
  '$HOME/x',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell-style variable, as aws expands it
  '${HOME}/y',
  '$UNSET_VARIABLE_4711/z',
  '/etc/a~b',
  '/abs/path',
];

test('paths expand as Python expands them: $VAR, ~, ~/ and ~user/', {
  skip: hasCommand('python3') ? false : 'python3 not installed',
}, () => {
  const home = '/home/caller';
  const python = execFileSync(
    'python3',
    [
      '-c',
      'import os, sys\nfor p in sys.argv[1:]: print(os.path.expanduser(os.path.expandvars(p)))',
      ...PATHS,
    ],
    { env: { PATH: process.env.PATH, HOME: home }, encoding: 'utf8' },
  )
    .trimEnd()
    .split('\n');
  const ours = PATHS.map((p) => callerPath(p, home, undefined, { HOME: home }));
  assert.deepEqual(ours, python);
  // ~root really expanded (it is in /etc/passwd everywhere), the unknown user left as written.
  assert.match(ours[3] ?? '', /^\/[^~]*\/\.aws\/config$/);
  assert.equal(ours[5], '~nosuchuser4711/.aws/config');
});
