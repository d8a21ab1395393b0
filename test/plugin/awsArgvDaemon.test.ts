import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { after, before, test } from 'node:test';
import { PROTOCOL_VERSION } from '../../src/protocol/DaemonRequest.js';
import { sendControl } from '../../src/protocol/sendControl.js';
import { CLI_JS, DaemonHarness, KEYS, tokenOf } from '../helpers/daemonHarness.js';

// The command line aws eks update-kubeconfig writes, with the daemon on: answered from the daemon's
// cache on the plugin's hot path, as `token -i` is.
const AWS_ARGS = ['--region', 'eu-west-1', 'eks', 'get-token', '--cluster-name', 'eks-a', '--output', 'json'];

let h: DaemonHarness;
before(() => {
  h = new DaemonHarness();
});
after(async () => h.cleanup([KEYS.AWS_SECRET_ACCESS_KEY]));

async function hits(): Promise<number> {
  const status = await sendControl(h.socket, 'status');
  assert.ok(status.ok);
  return (status.reply.status as { counters: { hits: number } }).counters.hits;
}

test('the aws command line is a daemon cache hit, global options before or after the command', async () => {
  await h.startDaemon();
  const env = h.env({ ...KEYS, EKS_TOKEN_DAEMON: 'on' });
  const first = await h.run(AWS_ARGS, env, { script: CLI_JS });
  assert.equal(first.code, 0, first.stderr);
  const before = await hits();
  const again = await h.run(AWS_ARGS, env, { script: CLI_JS });
  assert.equal(again.code, 0, again.stderr);
  assert.equal(await hits(), before + 1, 'the daemon answered from its cache');
  assert.equal(tokenOf(again.stdout), tokenOf(first.stdout));
  // The same request written the other way round is the same cache entry.
  const moved = ['eks', 'get-token', '--cluster-name', 'eks-a', '--output', 'json', '--region', 'eu-west-1'];
  const other = await h.run(moved, env, { script: CLI_JS });
  assert.equal(await hits(), before + 2);
  assert.equal(tokenOf(other.stdout), tokenOf(first.stdout));
  // A mistake is still the plugin's to report, in its one line.
  const bad = await h.run([...AWS_ARGS.slice(0, -1), 'yaml'], env, { script: CLI_JS });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^eks-token: --output yaml: [^\n]+\n$/);
  await h.run(['daemon', 'stop'], h.env());
});

test('the plugin sends the aws command line itself to the daemon (the hot path), not a parsed request', async () => {
  // A stand-in daemon that answers `exec` with a marker and refuses everything else: the marker on
  // stdout means the entry's hot path took the call; the full CLI would ask with `token` and then
  // mint the token itself.
  mkdirSync(dirname(h.socket), { recursive: true, mode: 0o700 });
  const ops: string[] = [];
  const server = createServer((socket) => {
    socket.once('data', (data) => {
      const request = JSON.parse(data.toString().split('\n')[0] ?? '{}');
      ops.push(request.op);
      const answer =
        request.op === 'exec'
          ? {
              v: PROTOCOL_VERSION,
              ok: true,
              expiresAt: Date.now() + 600_000,
              stdout: 'FROM-HOT-PATH\n',
              stderr: '',
            }
          : { v: PROTOCOL_VERSION, ok: false, error: { code: 'E_CREDENTIAL_CHILD', message: 'stand-in' } };
      socket.end(`${JSON.stringify(answer)}\n`);
    });
  });
  await new Promise<void>((resolve) => server.listen(h.socket, resolve));
  try {
    const env = h.env({ ...KEYS, EKS_TOKEN_DAEMON: 'on' });
    const r = await h.run(AWS_ARGS, env, { script: CLI_JS });
    assert.equal(r.stdout, 'FROM-HOT-PATH\n', r.stderr);
    assert.deepEqual(ops, ['exec']);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
