// The plugin's hot path: one request line to the local daemon, one answer back. Node built-ins and
// our own tiny modules only; any failure returns a reason so the caller mints in-process instead.
import { createConnection } from 'node:net';
import { dirname } from 'node:path';
import {
  MAX_LINE_BYTES,
  PROTOCOL_VERSION,
  parseTokenReply,
  type TokenReply,
  tokenRequestLine,
} from '../daemon/protocol.js';
import { resolveSocketPath, socketDirProblem } from '../daemon/socketPath.js';
import type { TokenRequest } from '../src/parseCommandLine.js';

/** Why the daemon was not used; `absent` and `refused` mean no daemon is running. */
export type DaemonMissReason = 'absent' | 'refused' | 'unsafe' | 'timeout' | 'closed' | 'bad-reply' | 'error';

/** The daemon's token, or why there is none. */
export type DaemonOutcome =
  | { ok: true; reply: TokenReply }
  | { ok: false; reason: DaemonMissReason; detail: string };

/** How long each step may take, in ms. */
export interface DaemonDeadlines {
  /** Connecting; a live daemon's socket accepts at once. */
  connectMs: number;
  /** From sending the request to the first line; a cache hit takes well under a millisecond. */
  answerMs: number;
  /** After the daemon said it is fetching credentials (child process, maybe AssumeRole). */
  pendingMs: number;
}

/** Defaults: short where a healthy daemon is instant, long only once it said it is working. */
export const DEFAULT_DEADLINES: DaemonDeadlines = { connectMs: 1000, answerMs: 2000, pendingMs: 25_000 };

/** Asks the daemon for a token; never throws and never leaves a handle open. */
export function askDaemon(
  request: TokenRequest,
  env: Record<string, string | undefined>,
  now: () => number,
  deadlines: DaemonDeadlines = DEFAULT_DEADLINES,
): Promise<DaemonOutcome> {
  const path = resolveSocketPath(env);
  const problem = socketDirProblem(dirname(path));
  if (problem === 'absent') return Promise.resolve(miss('absent', `no directory for ${path}`));
  if (problem) return Promise.resolve(miss('unsafe', `socket directory ${problem}`));
  return new Promise((resolve) => {
    const socket = createConnection(path);
    let buffered = '';
    let done = false;
    // A starved process (50 kubectls at once) wakes with its timer and its answer both due; timers run
    // first, so the timeout waits one more turn (setImmediate runs after pending I/O) before it counts.
    const expire = (what: string) => () => setImmediate(() => finish(miss('timeout', what)));
    let timer = setTimeout(expire('connect timed out'), deadlines.connectMs);
    const rearm = (ms: number, what: string) => {
      clearTimeout(timer);
      timer = setTimeout(expire(what), ms);
    };
    const finish = (outcome: DaemonOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    socket.setEncoding('utf8');
    socket.on('connect', () => {
      rearm(deadlines.answerMs, 'no answer');
      socket.write(tokenRequestLine(request, env));
    });
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      for (let end = buffered.indexOf('\n'); end >= 0 && !done; end = buffered.indexOf('\n')) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 1);
        if (line === `{"v":${PROTOCOL_VERSION},"pending":true}`) {
          rearm(deadlines.pendingMs, 'no answer while fetching credentials');
          continue;
        }
        const reply = parseTokenReply(line, now());
        if (!reply) finish(miss('bad-reply', 'malformed answer or other protocol version'));
        else if (!reply.ok) finish(miss('error', `${reply.error.code}: ${reply.error.message}`));
        else finish({ ok: true, reply });
      }
      if (buffered.length > MAX_LINE_BYTES) finish(miss('bad-reply', 'answer too long'));
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') finish(miss('absent', `no socket at ${path}`));
      else if (error.code === 'ECONNREFUSED') finish(miss('refused', `nothing listens on ${path}`));
      else finish(miss('error', error.code ?? error.message));
    });
    socket.on('close', () => finish(miss('closed', 'the daemon closed the connection')));
  });
}

function miss(reason: DaemonMissReason, detail: string): DaemonOutcome {
  return { ok: false, reason, detail };
}
