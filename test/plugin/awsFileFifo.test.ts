import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { DaemonStatus } from '../../src/protocol/controlReplyParser.js';
import { sendControl } from '../../src/protocol/sendControl.js';
import { MAX_AWS_FILE_BYTES } from '../../src/shared/readRegularFile.js';
import { DaemonHarness } from '../helpers/daemonHarness.js';

// The AWS SDK opens the AWS files with a blocking open: a FIFO there would hang the plugin for good.
let h: DaemonHarness;
before(async () => {
  h = new DaemonHarness();
  execFileSync('mkfifo', [join(h.home, 'fifo')]);
  h.writeHome('big-config', `[default]\nregion = eu-west-1\n#${'x'.repeat(MAX_AWS_FILE_BYTES)}\n`);
  await h.startDaemon();
});
after(async () => h.cleanup());

test('in-process, a FIFO as AWS file is one clear error, not a hang', async () => {
  for (const name of ['AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE']) {
    const env = h.env({ AWS_PROFILE: 'p', AWS_REGION: 'eu-west-1', [name]: join(h.home, 'fifo') });
    // The harness kills a hung plugin after 20 s (signal SIGTERM, no exit code).
    const r = await h.run(['token', '-i', 'eks-a'], env, { timeoutMs: 20_000 });
    assert.equal(r.code, 1, `${name}: ${r.signal ?? ''} ${r.stderr}`);
    assert.match(r.stderr, /^eks-token: the AWS file \S+fifo is not a regular file \(a FIFO\)/);
  }
});

test('with the daemon: a FIFO or an oversized AWS file is left to the plugin, counted, and reported', async () => {
  for (const [file, why] of [
    ['fifo', /not a regular file/],
    ['big-config', /larger than/],
  ] as const) {
    const env = h.env({ AWS_PROFILE: 'p', AWS_REGION: 'eu-west-1', AWS_CONFIG_FILE: join(h.home, file) });
    const r = await h.run(['token', '-i', 'eks-a', '--daemon', 'on'], env, { timeoutMs: 20_000 });
    assert.equal(r.code, 1, `${file}: ${r.signal ?? ''} ${r.stderr}`);
    assert.match(r.stderr, why);
  }
  const outcome = await sendControl(h.socket, 'status');
  assert.ok(outcome.ok);
  const status: DaemonStatus = outcome.reply.status;
  // Each call asks once: the full CLI takes the entry's miss (E_NOT_FOR_DAEMON) and does not ask again.
  assert.equal(status.unserved?.['aws-file'], 2, JSON.stringify(status.unserved));
});

test('doctor says whether a call from this shell would be served by the running daemon, and why not', async () => {
  const line = async (extra: Record<string, string>) => {
    const r = await h.run(['doctor', '--offline'], h.env({ AWS_REGION: 'eu-west-1', ...extra }));
    return r.stdout.split('\n').find((l) => /^\w+ +daemon use /.test(l)) ?? r.stdout;
  };
  assert.match(await line({}), /^ok +daemon use +a call from this shell would be served/);
  const big = await line({ AWS_CONFIG_FILE: join(h.home, 'big-config') });
  assert.match(
    big,
    /^warn +daemon use +a call from this shell would not be served: the AWS file \S+ is larger than/,
  );
  // The calls the daemon left to the plugin so far, by reason (the test before left two).
  assert.match(big, /left to the plugin so far: aws-file 2/);
});
