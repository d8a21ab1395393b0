import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { type AwsFile, type AwsFiles, readAwsFiles } from '../../../src/aws/readAwsFiles.js';
import { awsPython } from '../../helpers/awsCliBatch.js';
import { CORPUS } from '../../helpers/awsFileCorpus.js';

// botocore's own configloader (the installed one) and readAwsFiles on the same files: the corpus and
// a few hundred generated files of the lines users and tools write. Each file is read as a config
// file (profiles, sso-sessions, services) and as a credentials file (sections as they are named).
const PYTHON = awsPython();
const LOADER = `
import json, sys
from botocore import configloader
for path in sys.stdin.read().split('\\n'):
    if not path: continue
    try:
        raw = configloader.raw_config_parse(path)
        built = configloader.build_profile_map(raw)
        print(json.dumps({'config': [built['profiles'], built['sso_sessions'], built['services']], 'credentials': raw}))
    except Exception as e:
        print(json.dumps({'error': type(e).__name__}))
`;

type Maps = [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>];

function plain(file: AwsFile): Maps {
  const of = (m: Map<string, Record<string, { value: unknown }>>) =>
    Object.fromEntries(
      [...m].map(([k, s]) => [k, Object.fromEntries(Object.entries(s).map(([n, v]) => [n, v.value]))]),
    );
  return [of(file.profiles), of(file.ssoSessions), of(file.services)];
}

const HEADERS = [
  '[default]',
  '[profile a]',
  '[profile  a ]',
  '[ profile a]',
  '[profile "b c"]',
  '[Default]',
  '[DEFAULT]',
  '[sso-session s]',
  '[services x]',
  '[profile a] ; c',
  '[profile]',
  "[profile 'x]",
  '[profiles q]',
  '[a]b]',
];
const NAMES = ['region', 'Region', 'AWS_ACCESS_KEY_ID', 'aws_secret_access_key', 's3', 'output', 'x y'];
const DELIMITERS = ['=', ':', ' = ', '\t:\t', ' =', ': '];
const VALUES = ['eu-west-1', 'a:b=c', '', 'v ; c', '#v', 'ü', 'x\u00a0'];
const line = fc.oneof(
  fc.constantFrom(...HEADERS),
  fc
    .tuple(
      fc.constantFrom('', ' ', '  ', '\t'),
      fc.constantFrom(...NAMES),
      fc.constantFrom(...DELIMITERS),
      fc.constantFrom(...VALUES),
    )
    .map((parts) => parts.join('')),
  fc.constantFrom('# c', '; c', '  # c', '', '   ', 'no delimiter', '= v', '  k = v', '    k: v'),
);
const file = fc
  .tuple(fc.array(line, { maxLength: 14 }), fc.constantFrom('\n', '\r\n', '\r'), fc.boolean())
  .map(([lines, eol, bom]) => `${bom && lines.length % 5 === 0 ? '\ufeff' : ''}${lines.join(eol)}`);

describe('readAwsFiles reads as the installed botocore configloader does', {
  skip: !PYTHON && 'aws CLI (v1, Python) not installed',
}, () => {
  let dir: string;
  const texts = [
    ...CORPUS.flatMap((c) => [c.config, c.credentials]).filter(
      (t): t is string => t !== undefined && t !== 'dir',
    ),
    ...fc.sample(file, { numRuns: 400, seed: 20 }),
  ];
  let answers: Array<{ config?: Maps; credentials?: Record<string, unknown>; error?: string }> = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eks-token-ini-'));
    await Promise.all(texts.map((t, i) => writeFile(join(dir, String(i)), t)));
    const out = execFileSync(PYTHON ?? 'python3', ['-c', LOADER], {
      input: texts.map((_, i) => join(dir, String(i))).join('\n'),
      env: { PATH: process.env.PATH ?? '', PYTHONUTF8: '1' },
      encoding: 'utf8',
    });
    answers = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('the same profiles, sso-sessions, services and sections, and the same refusals', async () => {
    assert.equal(answers.length, texts.length);
    let refused = 0;
    for (const [i, text] of texts.entries()) {
      const path = join(dir, String(i));
      const answer = answers[i] ?? {};
      let ours: AwsFiles | string;
      try {
        ours = readAwsFiles({ HOME: dir, AWS_CONFIG_FILE: path, AWS_SHARED_CREDENTIALS_FILE: path });
      } catch (e) {
        ours = (e as { code?: string }).code ?? 'error';
      }
      const shown = JSON.stringify(text);
      if (answer.error) {
        refused++;
        // A BOM is the one refusal eks-token reads past (with a note), as README says.
        if (text.startsWith('\ufeff') && typeof ours !== 'string') assert.ok(ours.notes.length, shown);
        else assert.equal(ours, 'E_AWS_FILE', `${shown}: botocore ${answer.error}`);
        continue;
      }
      assert.notEqual(typeof ours, 'string', `${shown}: ${String(ours)}`);
      if (typeof ours === 'string') continue;
      assert.deepEqual(plain(ours.config), answer.config, shown);
      assert.deepEqual(plain(ours.credentials)[0], answer.credentials, shown);
    }
    assert.ok(
      refused > 20 && refused < texts.length - 100,
      `a mix of accepted and refused files (${refused} refused)`,
    );
  });
});
