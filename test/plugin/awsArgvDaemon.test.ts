import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sendControl } from '../../src/protocol/daemonControl.js';
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
