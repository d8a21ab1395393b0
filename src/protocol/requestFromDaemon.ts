// The one socket client, for `exec`, `hold` and control requests: one request line to the local
// daemon, one answer back. The plugin's hot path runs it, so Node built-ins and our own tiny modules
// only; any failure returns a reason so the caller mints in-process instead.
import type { Timers } from '../shared/Timers.js';
import {
  type DaemonDeadlines,
  type DaemonExchange,
  type DaemonMiss,
  type DaemonMissReason,
  type DaemonOutcome,
  DEFAULT_DEADLINES,
} from './DaemonExchange.js';
import { execRequestLine, MAX_LINE_BYTES } from './DaemonRequest.js';
import type { HandedOverSocket } from './HandedOverSocket.js';
import { type ExecReply, isPendingLine, parseExecReply } from './parseAnswerLine.js';
import { resolveSocketPath } from './resolveSocketPath.js';
import { trustedSocket } from './trustedSocket.js';

// An answer is one line of a few KB; longer ones arrive in several reads.
const READ_BUFFER_BYTES = 16 * 1024;

// Node's timers, written out here: src/shared/Timers.ts would be one more module on the hot path.
const NODE_TIMERS: Timers = {
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout | undefined),
};

/**
 * Asks the daemon to answer the plugin's command line (`exec`, as the entry does); never rejects.
 * A promise over `requestFromDaemon`, for the full CLI.
 */
export function askDaemon(
  argv: string[],
  env: Record<string, string | undefined>,
  now: () => number,
  deadlines: DaemonDeadlines = DEFAULT_DEADLINES,
  cwd?: string,
): Promise<DaemonOutcome<ExecReply>> {
  const exchange = { line: execRequestLine(argv, env, cwd), parse: parseExecReply };
  return new Promise((resolve) => requestFromDaemon(exchange, env, now, resolve, deadlines));
}

/**
 * Sends the daemon at the caller's socket path (after checking it: trustedSocket) one request line;
 * `exchangeWithDaemon` says how.
 */
export function requestFromDaemon<T extends { ok: true }>(
  exchange: DaemonExchange<T>,
  env: Record<string, string | undefined>,
  now: () => number,
  settle: (outcome: DaemonOutcome<T>) => void,
  deadlines: DaemonDeadlines = DEFAULT_DEADLINES,
): void {
  const path = resolveSocketPath(env);
  // Checked before anything is sent: a socket of someone else's gets no keys (trustedSocket).
  const trusted = trustedSocket(path);
  if (!trusted.ok) {
    settle(miss(trusted.absent ? 'absent' : 'unsafe', trusted.problem));
    return;
  }
  exchangeWithDaemon(path, exchange, now, settle, deadlines, trusted);
}

/**
 * Sends the daemon on `path` one request line and calls `settle` once with the outcome; never
 * throws, and never keeps the process alive (on success the socket is unreferenced and closed a
 * moment later, or by the process's exit, whichever comes first). Callbacks, not promises: this is
 * the whole of a cache hit, and the plugin's entry runs it before any promise machinery has started.
 * With a `HandedOverSocket` as `target`, the line is already sent there: only the answer is read.
 */
export function exchangeWithDaemon<T extends { ok: true }>(
  path: string,
  exchange: DaemonExchange<T>,
  now: () => number,
  settle: (outcome: DaemonOutcome<T>) => void,
  deadlines: DaemonDeadlines = DEFAULT_DEADLINES,
  target?: { connectPath: string; release: () => void } | HandedOverSocket,
): void {
  const handed = target && 'fd' in target ? target : undefined;
  const checked = target && 'release' in target ? target : undefined;
  // Loaded here, not at the top: `net` costs ~6 ms to load, which --daemon off never needs.
  // getBuiltinModule rather than a dynamic import: synchronous, and no module namespace to build. Node
  // before 20.16 lacks it (install.sh refuses such a Node, but one can be switched to later): then
  // the daemon is skipped and the token made in-process, rather than the plugin failing.
  const net = (process.getBuiltinModule as typeof process.getBuiltinModule | undefined)?.('node:net');
  if (!net) {
    checked?.release();
    settle(
      miss('error', `Node.js ${process.version} cannot load the daemon client: use Node.js 20.16 or newer`),
    );
    return;
  }
  const { createConnection, Socket } = net;
  let pending: Buffer | undefined;
  let done = false;
  // Read into one reused buffer (no readable-stream buffering, no string decoder) and write before
  // the connection is up (Node queues it): on a cache hit, the stream machinery Node runs for the
  // first time in the process is most of what the plugin costs beyond Node's own start.
  const readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  // Half-open: the daemon's end-of-answer must not make this side end and destroy the socket.
  const onread = { buffer: readBuffer, callback: (n: number) => take(n) };
  const socket = handed
    ? // onread is a Socket option as much as a connect() one (Node's types lack it here).
      new Socket({ fd: handed.fd, readable: true, writable: true, allowHalfOpen: true, onread } as object)
    : // Through the directory that was checked (`target`), where there is one.
      createConnection({ path: checked?.connectPath ?? path, allowHalfOpen: true, onread });
  // connect() has run (libuv connects a Unix socket at once): the directory may be let go.
  checked?.release();
  if (!handed) socket.write(exchange.line);
  // A starved process (50 kubectls at once) wakes with its timer and its answer both due; timers run
  // first, so the timeout waits one more turn (setImmediate runs after pending I/O) before it counts.
  // After a good answer the same timer, unreferenced, closes the socket for a long-lived caller.
  let what = 'no answer';
  const firstWait = `no answer within ${deadlines.answerMs} ms`;
  const expire = () =>
    setImmediate(() =>
      done ? socket.destroy() : finish(miss('timeout', what === 'no answer' ? firstWait : what)),
    );
  const timers = deadlines.timers ?? NODE_TIMERS;
  let timer: unknown;
  // Armed once connected, after Node has sent the line (its own 'connect' listener, added by the
  // write, runs first): a first setTimeout in a process costs 0.5-0.8 ms, spent while the daemon
  // works. A Unix socket connects or fails at once (a full backlog is EAGAIN), so nothing waits untimed.
  if (handed) timer = timers.setTimeout(expire, deadlines.answerMs);
  else
    socket.once('connect', () => {
      if (!done) timer = timers.setTimeout(expire, deadlines.answerMs);
    });
  const finish = (outcome: DaemonOutcome<T>) => {
    if (done) return;
    done = true;
    if (outcome.ok) {
      // Destroying a net.Socket makes Node build process.stderr (net.js compares the socket with
      // it), a stream on kubectl's pipe. The plugin exits before the timer; a long-lived caller
      // gets the socket closed all the same.
      socket.unref();
      // (A fake clock's timer keeps nothing alive and has no unref.)
      (timer as { unref?: () => void } | undefined)?.unref?.();
    } else {
      timers.clearTimeout(timer);
      socket.destroy();
    }
    settle(outcome);
  };
  // Bytes until a newline, then the line as UTF-8 (a read may end inside a character). An answer
  // usually comes in one read and is decoded straight from the read buffer; only an unfinished line
  // is copied, as Node reuses that buffer. (Buffer's concat, indexOf and toString with arguments
  // each cost 0.1-0.4 ms on their first call in a process; these are the cheap forms.)
  const take = (n: number): boolean => {
    const bytes = pending ? Buffer.concat([pending, readBuffer.subarray(0, n)]) : readBuffer.subarray(0, n);
    let start = 0;
    for (let end = newlineAt(bytes, 0); end >= 0 && !done; end = newlineAt(bytes, start)) {
      const line = bytes.subarray(start, end).toString();
      start = end + 1;
      answer(line);
    }
    pending = start < bytes.length ? Buffer.from(bytes.subarray(start)) : undefined;
    if (pending && pending.length > MAX_LINE_BYTES) finish(miss('bad-reply', 'answer too long'));
    return true;
  };
  const answer = (line: string) => {
    if (isPendingLine(line)) {
      // The longer wait starts once: a daemon that keeps saying so does not extend it.
      if (what === 'no answer') {
        timers.clearTimeout(timer);
        what = `no answer within ${deadlines.pendingMs} ms while fetching credentials`;
        timer = timers.setTimeout(expire, deadlines.pendingMs);
      }
      return;
    }
    const reply = exchange.parse(line, now());
    if (!reply) finish(miss('bad-reply', 'malformed answer or other protocol version'));
    else if (!reply.ok)
      finish(miss('error', `${reply.error.code}: ${reply.error.message}`, reply.error.code));
    else finish({ ok: true, reply });
  };
  socket.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') finish(miss('absent', `no socket at ${path}`));
    else if (error.code === 'ECONNREFUSED') finish(miss('refused', `nothing listens on ${path}`));
    else finish(miss('error', error.code ?? error.message));
  });
  const closed = () => finish(miss('closed', 'the daemon closed the connection'));
  socket.on('end', closed);
  socket.on('close', closed);
}

// TypedArray's own indexOf (a V8 builtin): Buffer's costs ~0.15 ms on its first call.
function newlineAt(bytes: Uint8Array, from: number): number {
  return Uint8Array.prototype.indexOf.call(bytes, 10, from);
}

function miss(reason: DaemonMissReason, detail: string, code?: string): DaemonMiss {
  return { ok: false, reason, detail, code };
}
