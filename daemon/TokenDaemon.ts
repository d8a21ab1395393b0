import { lstatSync, unlinkSync } from 'node:fs';
import type { Socket } from 'node:net';
import { controlAnswerLine, type DaemonStatus } from '../src/protocol/controlReplyParser.js';
import type { DaemonRequest, HeldCredentials } from '../src/protocol/DaemonRequest.js';
import { errorAnswerLine } from '../src/protocol/errorAnswer.js';
import { holdAnswerLine } from '../src/protocol/holdInDaemon.js';
import { PENDING_LINE } from '../src/protocol/parseAnswerLine.js';
import { parseDaemonRequest } from '../src/protocol/parseDaemonRequest.js';
import { HitLines } from './HitLines.js';
import { DEFAULT_LINE_LIMITS, DEFAULT_LINE_SIZES, LineServer, sendLine } from './LineServer.js';
import { type PreparedLine, PreparedLines } from './PreparedLines.js';
import { prepareExec } from './prepareExec.js';
import { type PreparedRequest, prepareRequest } from './prepareRequest.js';
import { statusEntries } from './statusEntries.js';
import type { TokenService } from './TokenService.js';
import { UnservedCounts } from './UnservedCounts.js';

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
  private readonly startedAt: number;
  private idleTimer: NodeJS.Timeout | undefined;
  private lastRequestAt: number;
  private socketIno: number | undefined;
  private stopped = false;
  private readonly hitLines = new HitLines();
  private readonly preparedLines: PreparedLines;

  constructor(private readonly options: TokenDaemonOptions) {
    this.done = new Promise((resolve) => {
      this.finish = resolve;
    });
    this.preparedLines = new PreparedLines(options.now);
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
    // A line seen before needs no parsing, validation or hashing again; its files' version is
    // looked at again, so edits to them still count.
    const known = this.preparedLines.get(line);
    if (known) {
      this.serveToken(socket, known.prepared, known.answer);
      return;
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
    let answer: PreparedLine['answer'];
    try {
      const exec = prepareExec(request.argv, request.env);
      prepared = prepareRequest(exec.request, request.env, request.cwd);
      answer = exec;
    } catch (error) {
      this.unserved.addError(error);
      sendLine(socket, errorAnswerLine(error));
      return;
    }
    this.preparedLines.remember(line, { prepared, answer });
    this.serveToken(socket, prepared, answer);
  }

  private serveToken(socket: Socket, prepared: PreparedRequest, answer: PreparedLine['answer']): void {
    this.lastRequestAt = this.options.now();
    let hit: Buffer | undefined;
    try {
      const served = this.options.service.lookup(prepared);
      if (served) hit = this.hitLines.lineFor(served, answer);
    } catch (error) {
      this.unserved.addError(error);
      sendLine(socket, errorAnswerLine(error));
      return;
    }
    if (hit !== undefined) sendLine(socket, hit);
    else void this.serveMiss(socket, prepared, answer);
  }

  private async serveMiss(
    socket: Socket,
    prepared: PreparedRequest,
    answer: PreparedLine['answer'],
  ): Promise<void> {
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
