import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { LineServer, sendLine } from '../../daemon/LineServer.js';
import { waitFor } from '../helpers/daemonHarness.js';
import { FakeClock, untilTrue } from '../helpers/fakeClock.js';

// Short limits, so the sweep's work is seen in a test's time; the daemon's are 10 s and 60 s.
const LIMITS = { requestLineMs: 300, answerMs: 600, sweepMs: 50 };
// Each test ends by itself even if the server never closes a connection.
const STOPS = { timeout: 10_000 };
const dir = mkdtempSync(join(tmpdir(), 'eks-token-lines-'));
const servers: LineServer[] = [];
after(() => {
  for (const server of servers) server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A server on a fake clock: answers 'answer', holds 'hold' (a fetch that hangs); its lines so far. */
async function startServer(): Promise<{
  server: LineServer;
  clock: FakeClock;
  path: string;
  lines: string[];
}> {
  const clock = new FakeClock(0);
  const lines: string[] = [];
  const server = new LineServer(
    (socket, line) => {
      lines.push(line);
      if (line === 'answer') sendLine(socket, '{"ok":true}\n');
    },
    LIMITS,
    undefined,
    undefined,
    clock,
  );
  servers.push(server);
  const path = join(dir, `lines${servers.length}.sock`);
  await server.listen({ path });
  return { server, clock, path, lines };
}

/** Connects; `closed` resolves with what the server sent once it closed the connection. */
async function connect(
  path: string,
  server: LineServer,
): Promise<{ socket: Socket; closed: Promise<string>; isClosed: () => boolean }> {
  const socket = createConnection({ path, allowHalfOpen: true });
  let text = '';
  let done = false;
  socket.setEncoding('utf8').on('data', (d: string) => {
    text += d;
  });
  const closed = new Promise<string>((resolve) => {
    socket.on('end', () => resolve(text));
    socket.on('close', () => resolve(text));
    socket.on('error', () => {});
  }).finally(() => {
    done = true;
  });
  const before = server.openConnections;
  await untilTrue(() => server.openConnections > before, 'the server accepts the connection');
  return { socket, closed, isClosed: () => done };
}

/** A few turns of the event loop, for a close the server would have made to reach the client. */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
}

test('an answered connection is closed by the server at once, with its answer', STOPS, async () => {
  const { server, path } = await startServer();
  const { socket, closed } = await connect(path, server);
  socket.write('answer\n');
  // The fake clock never moves: no sweep can have closed it.
  assert.equal(await closed, '{"ok":true}\n');
  socket.destroy();
});

test(
  'a connection that sends no line is dropped after the request-line limit, not before',
  STOPS,
  async () => {
    const { server, clock, path } = await startServer();
    const { socket, closed, isClosed } = await connect(path, server);
    clock.advance(LIMITS.requestLineMs - 1);
    await settle();
    assert.equal(isClosed(), false, 'closed before the limit');
    clock.advance(LIMITS.sweepMs);
    assert.equal(await closed, '');
    socket.destroy();
  },
);

test('bytes that trickle in do not extend the request-line limit', STOPS, async () => {
  const { server, clock, path } = await startServer();
  const { socket, closed, isClosed } = await connect(path, server);
  // One byte every 50 ms, never a newline: each is held (the connection still open) until the limit.
  for (let sent = 1; sent * 50 <= LIMITS.requestLineMs; sent++) {
    socket.write('x');
    await untilTrue(() => server.heldBytes === sent, `byte ${sent} held`);
    assert.equal(isClosed(), false);
    clock.advance(50);
  }
  assert.equal(await closed, '');
  assert.ok(clock.now() >= LIMITS.requestLineMs);
  socket.destroy();
});

test(
  'a request line without an answer is dropped after the answer limit, counted from the line',
  STOPS,
  async () => {
    const { server, clock, path, lines } = await startServer();
    const { socket, closed, isClosed } = await connect(path, server);
    // Sent late, but within the request-line limit: the answer limit runs from here.
    clock.advance(LIMITS.requestLineMs / 2);
    socket.write('hold\n');
    await untilTrue(() => lines.includes('hold'), 'the line reaches the server');
    clock.advance(LIMITS.answerMs - 1);
    await settle();
    assert.equal(isClosed(), false, 'closed before the answer limit');
    clock.advance(LIMITS.sweepMs);
    assert.equal(await closed, '');
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
