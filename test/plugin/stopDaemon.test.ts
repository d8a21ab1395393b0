import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { stopDaemon } from '../../plugin/stopDaemon.js';
import { controlAnswerLine } from '../../src/protocol/controlReplyParser.js';
import { isEksTokenError } from '../../src/shared/EksTokenError.js';
import { FakeClock, untilTrue } from '../helpers/fakeClock.js';

const POLL_MS = 50;
const dirs: string[] = [];
const servers: Server[] = [];
after(() => {
  for (const server of servers) server.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A daemon's socket (in a private directory) that answers `stop` with `pid` and does nothing else. */
async function daemonSaying(pid: number): Promise<{ path: string; ops: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'eks-token-stop-'));
  dirs.push(dir);
  const path = join(dir, 'daemon.sock');
  const ops: string[] = [];
  const server = createServer((socket) => {
    let text = '';
    socket.setEncoding('utf8').on('data', (d: string) => {
      text += d;
      if (!text.endsWith('\n')) return;
      ops.push(JSON.parse(text).op);
      // Closed once written, as the daemon's sendLine does: the client keeps its end a while.
      socket.end(controlAnswerLine('stop', { pid }), () => socket.destroy());
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return { path, ops };
}

/** Runs stopDaemon on a fake clock; `outcome` is set once it has returned or thrown. */
function stopOnFakeClock(path: string) {
  const clock = new FakeClock(0);
  const printed: string[] = [];
  const state: { outcome?: { error?: unknown } } = {};
  void stopDaemon(path, (text) => printed.push(text), clock).then(
    () => {
      state.outcome = {};
    },
    (error: unknown) => {
      state.outcome = { error };
    },
  );
  /** Waits for the next poll's timer (or the end) and moves the clock past it. */
  const nextPoll = async () => {
    await untilTrue(() => clock.armed === 1 || state.outcome !== undefined, 'a poll timer or the end');
    assert.equal(state.outcome, undefined, 'stopDaemon ended too soon');
    clock.advance(POLL_MS);
  };
  return { clock, printed, state, nextPoll };
}

test('a daemon that answered stop but stays alive for 10 s is E_DAEMON_STOP, not a hang', async () => {
  // This very process plays the daemon that does not go away.
  const daemon = await daemonSaying(process.pid);
  const stop = stopOnFakeClock(daemon.path);
  // 9.95 s: still waiting.
  while (stop.clock.now() < 10_000 - POLL_MS) await stop.nextPoll();
  await untilTrue(() => stop.clock.armed === 1, 'the last poll timer');
  assert.equal(stop.state.outcome, undefined);
  await stop.nextPoll();
  await untilTrue(() => stop.state.outcome !== undefined, 'stopDaemon to give up at 10 s');
  // (Read again: the assertion above narrowed it to undefined for TypeScript.)
  const error = (stop.state as { outcome?: { error?: unknown } }).outcome?.error;
  assert.ok(isEksTokenError(error), String(error));
  assert.equal(error.code, 'E_DAEMON_STOP');
  assert.deepEqual(daemon.ops, ['stop']);
  assert.deepEqual(stop.printed, []);
});

test('daemon stop returns once the pid the daemon answered with is gone, and says so', async () => {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    const pid = child.pid ?? 0;
    const daemon = await daemonSaying(pid);
    const stop = stopOnFakeClock(daemon.path);
    // A second of polls while the process lives: no answer yet.
    while (stop.clock.now() < 1000) await stop.nextPoll();
    assert.deepEqual(stop.printed, []);
    child.kill('SIGTERM');
    // Reaped: the pid is gone, not a zombie.
    await exited;
    await stop.nextPoll();
    await untilTrue(() => stop.state.outcome !== undefined, 'stopDaemon to return');
    assert.deepEqual(stop.state.outcome, {});
    assert.deepEqual(stop.printed, [`eks-token: stopped the daemon (pid ${pid})`]);
    assert.ok(stop.clock.now() < 10_000);
  } finally {
    child.kill('SIGKILL');
  }
});
