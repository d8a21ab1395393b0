import { chmodSync, lstatSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { MAX_REQUEST_BYTES } from '../src/protocol/DaemonRequest.js';
import { errorAnswerLine } from '../src/protocol/errorAnswer.js';
import { EksTokenError } from '../src/shared/EksTokenError.js';
import { type Timers, unrefTimers } from '../src/shared/Timers.js';

// Open connections are bounded; past the bound the oldest one that has not sent a request is dropped,
// so idle connections can neither exhaust file descriptors nor lock out real clients.
const MAX_CONNECTIONS = 1024;

/** How long a connection may take, in ms. */
export interface LineLimits {
  /** From accepting the connection to its request line. */
  requestLineMs: number;
  /** From the request line to the answer written (a credential fetch may take a while). */
  answerMs: number;
  /**
   * How often the limits are checked: one sweep over the open connections, not a timer per
   * connection (a socket's own timeout allocates a timer and re-arms it on every read and write).
   */
  sweepMs: number;
}

/** The daemon's limits. */
export const DEFAULT_LINE_LIMITS: LineLimits = { requestLineMs: 10_000, answerMs: 60_000, sweepMs: 1000 };

/** How many bytes of unanswered request lines are held. */
export interface LineSizes {
  /** One request line (the caller's whole environment). */
  lineBytes: number;
  /**
   * All connections together: a few callers with huge environments are served, while many at once
   * cannot take the daemon's memory; past it a line is refused (the plugin makes its token itself).
   */
  totalBytes: number;
}

/** The daemon's sizes: any environment Linux allows, 64 MiB in all. */
export const DEFAULT_LINE_SIZES: LineSizes = { lineBytes: MAX_REQUEST_BYTES, totalBytes: 64 * 1024 * 1024 };

/** The server's clock (ms, monotonic) and the timers of its sweeps; tests pass a fake clock's. */
export interface LineClock {
  now: () => number;
  timers: Timers;
}

const NODE_LINE_CLOCK: LineClock = { now: () => performance.now(), timers: unrefTimers };

/** Why a line was refused before it reached `onLine`. */
export type LineRefusal = 'too-long' | 'busy' | 'no-newline';

interface Connection {
  /** A request line was read (the answer may take a while: a credential fetch). */
  busy: boolean;
  /** When the current limit (request line, then answer) started, in ms (the server's clock). */
  since: number;
}

/**
 * The socket side of the daemon: one request line per connection, handed to `onLine`, whose
 * answer goes back with `sendLine`. Garbage, truncated and oversized lines get an error line.
 */
export class LineServer {
  private readonly server: Server;
  private readonly connections = new Map<Socket, Connection>();
  private sweeper: unknown;
  /** Bytes held by connections whose line has not ended yet. */
  private buffered = 0;

  /** Bytes of unfinished request lines held now (all connections). */
  get heldBytes(): number {
    return this.buffered;
  }

  constructor(
    private readonly onLine: (socket: Socket, line: string) => void,
    private readonly limits: LineLimits = DEFAULT_LINE_LIMITS,
    private readonly sizes: LineSizes = DEFAULT_LINE_SIZES,
    private readonly onRefuse: (why: LineRefusal) => void = () => {},
    private readonly clock: LineClock = NODE_LINE_CLOCK,
  ) {
    this.server = createServer({ allowHalfOpen: true }, (socket) => this.accept(socket));
    const sweepEvery = () => {
      this.sweep();
      this.sweeper = clock.timers.setTimeout(sweepEvery, limits.sweepMs);
    };
    this.sweeper = clock.timers.setTimeout(sweepEvery, limits.sweepMs);
  }

  /** Connections open now. */
  get openConnections(): number {
    return this.connections.size;
  }

  /** Listens on a path (made 0600, owner only; returns its inode) or an inherited descriptor. */
  listen(target: { path: string } | { fd: number }): Promise<number | undefined> {
    return new Promise((resolve, reject) => {
      // The umask closes the window between bind() and chmod() in which the socket would be 0755.
      const umask = process.umask(0o177);
      this.server.once('error', (error) => {
        process.umask(umask);
        reject(error);
      });
      this.server.listen(target, () => {
        process.umask(umask);
        if (!('path' in target)) {
          // Never TCP, even when a service manager hands over a TCP socket by mistake.
          if (this.server.address() === null || typeof this.server.address() === 'string')
            return resolve(undefined);
          this.server.close();
          return reject(
            new EksTokenError(
              'E_NOT_UNIX_SOCKET',
              'the inherited socket is not a Unix socket',
              'use ListenStream=/path',
            ),
          );
        }
        chmodSync(target.path, 0o600);
        resolve(lstatSync(target.path).ino);
      });
    });
  }

  /** Stops accepting and ends every connection; answered ones get a moment to flush their line. */
  close(): void {
    this.clock.timers.clearTimeout(this.sweeper);
    this.server.close();
    for (const socket of this.connections.keys()) {
      if (socket.writableEnded) setTimeout(() => socket.destroy(), 500).unref();
      else socket.destroy();
    }
  }

  private accept(socket: Socket): void {
    if (this.connections.size >= MAX_CONNECTIONS) {
      for (const [old, state] of this.connections) {
        if (!state.busy) {
          old.destroy();
          this.connections.delete(old);
          break;
        }
      }
    }
    const state: Connection = { busy: false, since: this.clock.now() };
    this.connections.set(socket, state);
    // The chunks until the newline, joined and decoded once: no string decoder per connection, and
    // no copying of what came before on every chunk (a 6 MiB environment comes in ~100 reads).
    let chunks: Buffer[] = [];
    let held = 0;
    const release = () => {
      this.buffered -= held;
      held = 0;
      chunks = [];
    };
    const refuse = (why: LineRefusal, message: string) => {
      state.busy = true;
      release();
      this.onRefuse(why);
      state.since = this.clock.now();
      // Half-closed, not destroyed: a client still writing its long line would get a reset for the
      // bytes it sent after the refusal and lose the answer. Its further bytes are read and dropped
      // (busy) until it ends, or the sweep drops it.
      const code = why === 'busy' ? 'E_DAEMON_BUSY' : 'E_BAD_REQUEST';
      if (!socket.destroyed && socket.writable) socket.end(errorAnswerLine(new EksTokenError(code, message)));
    };
    socket.on('error', () => {});
    socket.on('close', () => {
      release();
      this.connections.delete(socket);
    });
    socket.on('end', () => {
      if (!state.busy) refuse('no-newline', 'bad daemon request: the line ended without a newline');
    });
    socket.on('data', (chunk: Buffer) => {
      if (state.busy) return;
      const end = chunk.indexOf(10);
      const length = held + (end < 0 ? chunk.length : end);
      const { lineBytes, totalBytes } = this.sizes;
      if (length > lineBytes)
        return refuse('too-long', `bad daemon request: the line is longer than ${lineBytes} bytes`);
      if (end < 0) {
        if (this.buffered + chunk.length > totalBytes)
          return refuse('busy', 'the daemon holds too many long requests; try again');
        chunks.push(chunk);
        held += chunk.length;
        this.buffered += chunk.length;
        return;
      }
      chunks.push(chunk.subarray(0, end));
      const line = Buffer.concat(chunks, length).toString('utf8');
      release();
      state.busy = true;
      // The answer may take a while (a credential fetch), under a longer limit from now.
      state.since = this.clock.now();
      try {
        this.onLine(socket, line);
      } catch (error) {
        // Whatever one request runs into is that request's error answer, never the daemon's end.
        sendLine(socket, errorAnswerLine(error));
      }
    });
  }

  // Drops connections past their limit: no request line in time, or no answer in time after it.
  private sweep(): void {
    const now = this.clock.now();
    const { answerMs, requestLineMs } = this.limits;
    for (const [socket, state] of this.connections)
      if (now - state.since >= (state.busy ? answerMs : requestLineMs)) socket.destroy();
  }
}

/** Writes the one answer line (serialised, ending in a newline) and closes the connection. */
export function sendLine(socket: Socket, line: string | Uint8Array): void {
  if (socket.destroyed || !socket.writable) return;
  // Closed once the line is with the kernel, which still delivers it: waiting for the client's end
  // would keep a descriptor (and a place under MAX_CONNECTIONS) per client that keeps its socket.
  socket.end(line, () => socket.destroy());
}
