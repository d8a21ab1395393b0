import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { LineServer, sendLine } from '../../daemon/lineServer.js';
import { waitFor } from '../helpers/daemonHarness.js';

// Short limits, so the sweep's work is seen in a test's time; the daemon's are 10 s and 60 s.
const LIMITS = { requestLineMs: 300, answerMs: 600, sweepMs: 50 };
// Each test ends by itself even if the server never closes a connection.
const STOPS = { timeout: 10_000 };
const dir = mkdtempSync(join(tmpdir(), 'eks-token-lines-'));
const path = join(dir, 'lines.sock');
let server: LineServer;

before(async () => {
  server = new LineServer((socket, line) => {
    if (line === 'answer') sendLine(socket, '{"ok":true}\n');
    // 'hold': a request whose answer never comes (a credential fetch that hangs).
  }, LIMITS);
  await server.listen({ path });
});
after(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Connects; resolves with what the server sent and when it closed the connection (ms after `from`). */
function connect(): { socket: Socket; closed: Promise<{ text: string; at: number }> } {
  const socket = createConnection({ path, allowHalfOpen: true });
  let text = '';
  socket.setEncoding('utf8').on('data', (d: string) => {
    text += d;
  });
  const closed = new Promise<{ text: string; at: number }>((resolve) => {
    socket.on('end', () => resolve({ text, at: performance.now() }));
    socket.on('close', () => resolve({ text, at: performance.now() }));
    socket.on('error', () => {});
  });
  return { socket, closed };
}

test('an answered connection is closed by the server at once, with its answer', STOPS, async () => {
  const { socket, closed } = connect();
  const start = performance.now();
  socket.write('answer\n');
  const { text, at } = await closed;
  assert.equal(text, '{"ok":true}\n');
  // Left to the sweep, a connection with a line would stay until the answer limit.
  assert.ok(at - start < LIMITS.answerMs, 'closed by the answer, not by the sweep');
  socket.destroy();
});

test(
  'a connection that sends no line is dropped after the request-line limit, not before',
  STOPS,
  async () => {
    const { socket, closed } = connect();
    const start = performance.now();
    const { text, at } = await closed;
    assert.equal(text, '');
    assert.ok(at - start >= LIMITS.requestLineMs, `closed after ${at - start} ms`);
    socket.destroy();
  },
);

test('bytes that trickle in do not extend the request-line limit', STOPS, async () => {
  const { socket, closed } = connect();
  const start = performance.now();
  // One byte every 50 ms, never a newline: 40 bytes would take 2 s.
  const trickle = setInterval(() => socket.writable && socket.write('x'), 50);
  const { at } = await closed;
  clearInterval(trickle);
  assert.ok(at - start >= LIMITS.requestLineMs, `closed after ${at - start} ms`);
  assert.ok(at - start < 2000, `closed after ${at - start} ms: the trickle kept it open`);
  socket.destroy();
});

test(
  'a request line without an answer is dropped after the answer limit, counted from the line',
  STOPS,
  async () => {
    const { socket, closed } = connect();
    // Sent late, but within the request-line limit: the answer limit runs from here.
    await new Promise((resolve) => setTimeout(resolve, LIMITS.requestLineMs / 2));
    const sent = performance.now();
    socket.write('hold\n');
    const { text, at } = await closed;
    assert.equal(text, '');
    assert.ok(at - sent >= LIMITS.answerMs, `closed ${at - sent} ms after the line`);
    socket.destroy();
  },
);

test(
  'a long line is served; past the total the server holds, a line is refused, and memory is let go',
  STOPS,
  async () => {
    const sizes = { lineBytes: 1024 * 1024, totalBytes: 1536 * 1024 };
    const refusals: string[] = [];
    const bigPath = join(dir, 'big.sock');
    const big = new LineServer(
      (socket, line) => sendLine(socket, `${JSON.stringify({ length: line.length })}\n`),
      LIMITS,
      sizes,
      (why) => refusals.push(why),
    );
    await big.listen({ path: bigPath });
    const open: Socket[] = [];
    const exchange = (payload: string) =>
      new Promise<string>((resolve) => {
        const socket = createConnection({ path: bigPath, allowHalfOpen: true });
        open.push(socket);
        let text = '';
        socket.setEncoding('utf8').on('data', (d: string) => {
          text += d;
        });
        socket
          .on('end', () => resolve(text))
          .on('close', () => resolve(text))
          .on('error', () => {});
        socket.write(payload);
      });
    try {
      // One line of 900 KB in many reads: answered whole.
      assert.deepEqual(JSON.parse(await exchange(`${'a'.repeat(900_000)}\n`)), { length: 900_000 });
      // An unfinished line of 900 KB held, then another: it goes past the 1.5 MB the server holds.
      const first = createConnection({ path: bigPath, allowHalfOpen: true });
      open.push(first);
      first.on('error', () => {}).write('b'.repeat(900_000));
      await waitFor(() => big.heldBytes === 900_000, 5000);
      const busy = await exchange('c'.repeat(900_000));
      assert.match(busy, /too many long requests/);
      assert.equal(JSON.parse(busy).error.code, 'E_DAEMON_BUSY');
      // Once the first has gone, its bytes are let go: a long line is served again.
      first.destroy();
      await waitFor(() => big.heldBytes === 0, 5000);
      assert.deepEqual(JSON.parse(await exchange(`${'d'.repeat(900_000)}\n`)), { length: 900_000 });
      // Over the line limit: refused as too long.
      const tooLong = await exchange('e'.repeat(1100 * 1024));
      assert.match(tooLong, /longer than 1048576 bytes/);
      assert.equal(JSON.parse(tooLong).error.code, 'E_BAD_REQUEST');
      // The first left in mid-line: counted too.
      assert.deepEqual(refusals, ['busy', 'no-newline', 'too-long']);
    } finally {
      for (const socket of open) socket.destroy();
      big.close();
    }
  },
);
