import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DEFAULT_DEADLINES } from '../../src/protocol/DaemonExchange.js';
import { ensureSocketDir } from '../../src/protocol/ensureSocketDir.js';
import { askDaemon } from '../../src/protocol/requestFromDaemon.js';
import { FakeClock, untilTrue } from '../helpers/fakeClock.js';

const dir = mkdtempSync(join(tmpdir(), 'eks-token-client-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const TOKEN = `k8s-aws-v1.${'A'.repeat(1500)}`;
const REQUEST = ['token', '-i', 'eks-a', '--region', 'eu-west-1', '--daemon', 'on'];

/** A fake daemon on a fresh socket: `answer` gets each connection once its request line is in. */
async function fakeDaemon(answer: (socket: Socket, request: string) => void) {
  const path = join(dir, `d${Math.random().toString(36).slice(2)}`, 'daemon.sock');
  ensureSocketDir(path);
  let closedCount = 0;
  const open = new Set<Socket>();
  let onClose = () => {};
  const closed = new Promise<void>((resolve) => {
    onClose = resolve;
  });
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    open.add(socket);
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      text += d;
      if (text.endsWith('\n')) answer(socket, text);
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      open.delete(socket);
      closedCount++;
      onClose();
    });
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return {
    env: { EKS_TOKEN_SOCKET: path, HOME: dir },
    /** Resolves when the first connection has closed on the daemon's side. */
    closed,
    closedCount: () => closedCount,
    /** Stops listening and drops the connections a client still holds. */
    close: () => {
      server.close();
      for (const socket of open) socket.destroy();
    },
  };
}

/** A good answer line from the daemon, valid for ten minutes. */
function answerLine(warnings: string[]): string {
  const reply = {
    v: 1,
    ok: true,
    expiresAt: Date.now() + 600_000,
    stdout: `${TOKEN}\n`,
    stderr: warnings.map((w) => `${w}\n`).join(''),
    clusterName: 'eks-a',
    cached: true,
  };
  return `${JSON.stringify(reply)}\n`;
}

/** Writes `text` a few bytes at a time, each flushed before the next, so it arrives in many reads. */
async function trickle(socket: Socket, text: string, bytesPerWrite: number) {
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += bytesPerWrite) {
    await new Promise((resolve) => socket.write(bytes.subarray(i, i + bytesPerWrite), resolve));
    await new Promise((resolve) => setImmediate(resolve));
  }
}

test('an answer in many small reads, split inside UTF-8 characters, after a pending line', async () => {
  const warning = 'eks-token: note: région ✓ 🚀';
  const fake = await fakeDaemon((socket) => {
    // Three bytes per write puts most boundaries inside the multi-byte characters of the warning.
    void trickle(socket, `{"v":1,"pending":true}\n${answerLine([warning])}`, 3).then(() => socket.end());
  });
  try {
    // Fake timers: the client's own timer (20 s once pending) is never due during the test.
    const clock = new FakeClock(0);
    const outcome = await askDaemon(REQUEST, fake.env, Date.now, {
      ...DEFAULT_DEADLINES,
      timers: clock.timers,
    });
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.equal(outcome.reply.stdout, `${TOKEN}\n`);
    assert.equal(outcome.reply.stderr, `${warning}\n`);
  } finally {
    fake.close();
  }
});

test('after a good answer the connection is still closed, a moment later, by a long-lived caller', async () => {
  const fake = await fakeDaemon((socket) => socket.end(answerLine([])));
  try {
    const clock = new FakeClock(0);
    const outcome = await askDaemon(REQUEST, fake.env, Date.now, {
      ...DEFAULT_DEADLINES,
      timers: clock.timers,
    });
    assert.ok(outcome.ok);
    // Held open for a caller that may exit first; closed by the client's answer timer, the first wait's.
    assert.equal(fake.closedCount(), 0);
    assert.equal(clock.armed, 1);
    clock.advance(DEFAULT_DEADLINES.answerMs - 1);
    assert.equal(clock.armed, 1, 'closed before its time');
    clock.advance(1);
    await untilTrue(() => fake.closedCount() === 1, 'the daemon to see the connection close');
  } finally {
    fake.close();
  }
});

test('a daemon that ends the connection without an answer is a miss, not a hang', async () => {
  const fake = await fakeDaemon((socket) => socket.end());
  try {
    const outcome = await askDaemon(REQUEST, fake.env, Date.now, {
      answerMs: 5000,
      pendingMs: 5000,
    });
    assert.deepEqual(outcome.ok ? 'ok' : outcome.reason, 'closed');
  } finally {
    fake.close();
  }
});
