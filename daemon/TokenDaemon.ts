import { lstatSync, unlinkSync } from 'node:fs';
import type { Socket } from 'node:net';
import { controlAnswerLine, type DaemonStatus } from '../src/protocol/controlReplyParser.js';
import { type DaemonRequest, type HeldCredentials, MAX_LINE_BYTES } from '../src/protocol/DaemonRequest.js';
import { errorAnswerLine } from '../src/protocol/errorAnswer.js';
import { holdAnswerLine } from '../src/protocol/holdInDaemon.js';
import { PENDING_LINE } from '../src/protocol/parseAnswerLine.js';
import { parseDaemonRequest } from '../src/protocol/parseDaemonRequest.js';
import { DEFAULT_LINE_LIMITS, DEFAULT_LINE_SIZES, LineServer, sendLine } from './LineServer.js';
import { type PreparedExec, prepareExec } from './prepareExec.js';
import { type PreparedRequest, prepareRequest } from './prepareRequest.js';
import type { ServedToken, TokenService } from './TokenService.js';
import { UnservedCounts } from './UnservedCounts.js';

// How an answer line is made from a token, and the key that tells its forms apart.
type Answer = Pick<PreparedExec, 'renderKey' | 'render'>;

// Shells repeat the same request line; this many are remembered already parsed and keyed, as long
// as they hold no more bytes than this in all (one environment may be megabytes).
const PREPARED_LINES = 256;
const PREPARED_BYTES = 8 * 1024 * 1024;
// How long one look at the AWS files' version serves repeated lines. Far below the time any edit
// takes to reach the daemon through kubectl and the plugin (> 50 ms), so edits still always count.
export const STAMP_REUSE_MS = 20;

/** What the daemon needs. */
export interface TokenDaemonOptions {
  service: TokenService;
  socketPath: string;
  version: string;
  /** Exit after this long without a token request; 0 never. */
  idleTimeoutMs: number;
  now: () => number;
}

/** The daemon: answers token and control requests, renews tokens, stops on request or when idle. */
export class TokenDaemon {
  /** Resolves with the reason once the daemon has stopped and removed its socket. */
  readonly done: Promise<string>;
  private finish!: (reason: string) => void;
  /** Calls the daemon did not serve, by reason (daemon status). */
  readonly unserved = new UnservedCounts();
  private readonly lines = new LineServer(
    (socket, line) => this.answer(socket, line),
    DEFAULT_LINE_LIMITS,
    DEFAULT_LINE_SIZES,
    (why) => this.unserved.add(why),
  );
  private preparedBytes = 0;
  private readonly startedAt: number;
  private idleTimer: NodeJS.Timeout | undefined;
  private lastRequestAt: number;
  private socketIno: number | undefined;
  private stopped = false;
  // A hit's answer line, rendered and encoded once per token and form: every later hit sends the
  // same bytes, with no JSON or UTF-8 encoding per request.
  private readonly hitLines = new WeakMap<ServedToken, Map<string, Buffer>>();
  private readonly preparedLines = new Map<
    string,
    { prepared: PreparedRequest; answer: Answer; stampedAt: number }
  >();

  constructor(private readonly options: TokenDaemonOptions) {
    this.done = new Promise((resolve) => {
      this.finish = resolve;
    });
    this.startedAt = options.now();
    this.lastRequestAt = this.startedAt;
    if (options.idleTimeoutMs > 0) this.armIdleTimer(options.idleTimeoutMs);
  }

  /** Listens on the socket path (0600) or on an inherited descriptor (systemd). */
  async listen(target: { path: string } | { fd: number }): Promise<void> {
    this.socketIno = await this.lines.listen(target);
  }

  /** Stops accepting, drops connections, ends credential fetches and removes the socket file. */
  stop(reason: string): void {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.idleTimer);
    this.lines.close();
    this.options.service.close();
    try {
      // Only our own socket: never one a newer daemon has put at the same path.
      if (this.socketIno !== undefined && lstatSync(this.options.socketPath).ino === this.socketIno)
        unlinkSync(this.options.socketPath);
    } catch {}
    this.finish(reason);
  }

  // One timer for the daemon's life, re-armed for the remainder when it fires: a token request only
  // records the time, which keeps timer churn off the hot path.
  private armIdleTimer(ms: number): void {
    this.idleTimer = setTimeout(() => {
      const idle = this.options.now() - this.lastRequestAt;
      const limit = this.options.idleTimeoutMs;
      if (idle >= limit) this.stop(`idle for ${Math.round(limit / 1000)} s`);
      else this.armIdleTimer(limit - idle);
    }, ms).unref();
  }

  // Synchronous up to a cache hit's answer: no promise per request; only a miss goes async.
  private answer(socket: Socket, line: string): void {
    // A line seen before needs no parsing, validation or hashing again (a third of a hit's CPU);
    // only the AWS files' version is read afresh, so edits to them still count.
    const known = this.preparedLines.get(line);
    if (known) {
      const now = this.options.now();
      let fresh = true;
      if (now - known.stampedAt >= STAMP_REUSE_MS || now < known.stampedAt) {
        // Changed files may select another credential source: then the line is keyed afresh.
        fresh = known.prepared.stampNow() === known.prepared.stamp;
        known.stampedAt = now;
      }
      if (fresh) {
        this.serveToken(socket, known.prepared, known.answer);
        return;
      }
      this.forgetLine(line);
    }
    let request: DaemonRequest;
    try {
      request = parseDaemonRequest(line);
    } catch (error) {
      this.unserved.add('bad-request');
      sendLine(socket, errorAnswerLine(error));
      return;
    }
    const { service, version } = this.options;
    switch (request.op) {
      case 'ping':
        sendLine(socket, controlAnswerLine('ping', { pid: process.pid, version }));
        return;
      case 'status':
        sendLine(socket, controlAnswerLine('status', { status: this.status() }));
        return;
      case 'flush':
        this.preparedLines.clear();
        this.preparedBytes = 0;
        sendLine(socket, controlAnswerLine('flush', { flushed: service.flush() }));
        return;
      case 'stop':
        sendLine(socket, controlAnswerLine('stop', { pid: process.pid }));
        this.stop('stop requested');
        return;
    }
    if (request.op === 'hold') {
      void this.hold(socket, request.argv, request.env, request.credentials, request.cwd);
      return;
    }
    let prepared: PreparedRequest;
    let answer: Answer;
    try {
      const exec = prepareExec(request.argv, request.env);
      prepared = prepareRequest(exec.request, request.env, request.cwd);
      answer = exec;
    } catch (error) {
      this.unserved.addError(error);
      sendLine(socket, errorAnswerLine(error));
      return;
    }
    this.rememberLine(line, { prepared, answer, stampedAt: this.options.now() });
    this.serveToken(socket, prepared, answer);
  }

  private rememberLine(
    line: string,
    entry: { prepared: PreparedRequest; answer: Answer; stampedAt: number },
  ) {
    if (line.length > PREPARED_BYTES / 4) return;
    this.preparedLines.set(line, entry);
    this.preparedBytes += line.length;
    while (this.preparedLines.size > PREPARED_LINES || this.preparedBytes > PREPARED_BYTES) {
      const oldest = this.preparedLines.keys().next();
      if (oldest.done) break;
      this.forgetLine(oldest.value);
    }
  }

  private forgetLine(line: string): void {
    if (this.preparedLines.delete(line)) this.preparedBytes -= line.length;
  }

  private serveToken(socket: Socket, prepared: PreparedRequest, answer: Answer): void {
    this.lastRequestAt = this.options.now();
    let hit: Buffer | undefined;
    try {
      const served = this.options.service.lookup(prepared);
      if (served) hit = this.hitLine(served, answer);
    } catch (error) {
      this.unserved.addError(error);
      sendLine(socket, errorAnswerLine(error));
      return;
    }
    if (hit !== undefined) sendLine(socket, hit);
    else void this.serveMiss(socket, prepared, answer);
  }

  private hitLine(served: ServedToken, answer: Answer): Buffer {
    let lines = this.hitLines.get(served);
    if (lines === undefined) {
      lines = new Map();
      this.hitLines.set(served, lines);
    }
    let line = lines.get(answer.renderKey);
    if (line === undefined) {
      line = Buffer.from(answer.render(served, true));
      lines.set(answer.renderKey, line);
    }
    return line;
  }

  private async serveMiss(socket: Socket, prepared: PreparedRequest, answer: Answer): Promise<void> {
    // A client that hangs up (or ends its side: clients keep it open until answered) has gone; what
    // is made only for it stops (LineServer's limits end a client that neither reads nor leaves).
    const gone = new AbortController();
    const leave = () => gone.abort();
    socket.once('close', leave).once('end', leave);
    try {
      // A miss may take seconds (a credential fetch): say so, and the client waits longer.
      socket.write(PENDING_LINE);
      const { served, cached } = await this.options.service.mint(prepared, gone.signal);
      sendLine(socket, answer.render(served, cached));
    } catch (error) {
      this.unserved.addError(error);
      sendLine(socket, errorAnswerLine(error));
    } finally {
      socket.off('close', leave).off('end', leave);
    }
  }

  // Credentials the plugin got with an MFA code, for the identity this daemon could not prompt for.
  private async hold(
    socket: Socket,
    argv: string[],
    env: Record<string, string>,
    credentials: HeldCredentials,
    cwd: string | undefined,
  ): Promise<void> {
    try {
      const { expiration, ...keys } = credentials;
      // The command line read as for `exec`: the same token request, so the same cache key.
      const { request } = prepareExec(argv, env);
      const held = await this.options.service.hold(prepareRequest(request, env, cwd), {
        ...keys,
        expiration: new Date(expiration),
      });
      sendLine(socket, holdAnswerLine(held));
    } catch (error) {
      sendLine(socket, errorAnswerLine(error));
    }
  }

  private status(): DaemonStatus {
    return {
      pid: process.pid,
      version: this.options.version,
      uptimeSeconds: Math.floor((this.options.now() - this.startedAt) / 1000),
      socket: this.options.socketPath,
      counters: { ...this.options.service.counters },
      unserved: this.unserved.toJSON(),
      ...statusEntries(this.options.service.entries()),
    };
  }
}

// Rows of the status answer, most recently used first, as many as fit in the answer line a client
// accepts (a few thousand; the cache may hold a million), with the count of all of them.
const STATUS_ROWS_BYTES = MAX_LINE_BYTES - 4096;

function statusEntries<T>(all: T[]): { entries: T[]; entryCount: number } {
  const entries: T[] = [];
  let bytes = 0;
  for (let i = all.length - 1; i >= 0; i--) {
    bytes += JSON.stringify(all[i]).length + 1;
    if (bytes > STATUS_ROWS_BYTES) break;
    entries.push(all[i] as T);
  }
  return { entries, entryCount: all.length };
}
