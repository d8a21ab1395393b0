import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { findSecrets, KEYS, runNode, tokenOf } from '../helpers/daemonHarness.js';

// The processes' side of src/protocol/socketDirProblem.ts's directory checks (its unit tests beside it).
const root = mkdtempSync(join(tmpdir(), 'ekst-dir-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('daemon run refuses an unsafe directory with one line; the plugin falls back and still answers', async () => {
  const open = join(root, 'open-cli');
  mkdirSync(open, { mode: 0o755 });
  chmodSync(open, 0o755);
  const env = { HOME: root, EKS_TOKEN_SOCKET: join(open, 'daemon.sock'), AWS_EC2_METADATA_DISABLED: 'true' };
  const run = await runNode(['daemon', 'run'], env);
  assert.equal(run.code, 1);
  assert.match(
    run.stderr,
    /^eks-token: the daemon socket directory .*open-cli has mode 755, not 700: run chmod 700 /,
  );
  assert.equal(run.stderr.trim().split('\n').length, 1);
  const start = await runNode(['daemon', 'start'], env);
  assert.equal(start.code, 1);
  assert.match(start.stderr, /mode 755/);
  const plugin = await runNode(
    ['token', '-i', 'eks-a', '--region', 'eu-west-1', '--daemon', 'on', '--debug'],
    {
      ...env,
      ...KEYS,
    },
  );
  assert.equal(plugin.code, 0, plugin.stderr);
  assert.match(plugin.stderr, /daemon not used \(unsafe: \S*open-cli has mode 755/);
  assert.match(tokenOf(plugin.stdout), /^k8s-aws-v1\./);
  assert.deepEqual(
    findSecrets(root, [{ text: plugin.stderr, tokenAllowed: false }], [KEYS.AWS_SECRET_ACCESS_KEY]),
    [],
  );
});

test('the secret scan finds what it looks for', () => {
  const dir = mkdtempSync(join(root, 'scan-'));
  writeFileSync(join(dir, 'log'), `x ${KEYS.AWS_SECRET_ACCESS_KEY} y`);
  writeFileSync(join(dir, 'other'), 'k8s-aws-v1.abc');
  assert.equal(findSecrets(dir, [], [KEYS.AWS_SECRET_ACCESS_KEY]).length, 2);
  assert.equal(
    findSecrets(root, [{ text: 'k8s-aws-v1.x', tokenAllowed: false }], [KEYS.AWS_SECRET_ACCESS_KEY]).length,
    3,
  );
});
