// What a client's exchange with the daemon is: the request and its check, the deadlines, and the
// outcome. The plugin's hot path imports this module, so it may use only type-only imports.
import type { Timers } from '../shared/Timers.js';
import type { ErrorReply, ExecReply } from './parseAnswerLine.js';

/** Why the daemon was not used; `absent` and `refused` mean no daemon is running. */
export type DaemonMissReason = 'absent' | 'refused' | 'unsafe' | 'timeout' | 'closed' | 'bad-reply' | 'error';

/** The daemon's answer (to `exec` by default), or why there is none. */
export type DaemonOutcome<T = ExecReply> = { ok: true; reply: T } | DaemonMiss;

/** Why there is no answer; `code` is the daemon's error code when it sent one. */
export interface DaemonMiss {
  ok: false;
  reason: DaemonMissReason;
  detail: string;
  code?: string;
}

/** What is asked: the request line, and the check of the answer line (undefined: not a valid answer). */
export interface DaemonExchange<T extends { ok: true }> {
  line: string;
  parse: (line: string, now: number) => T | ErrorReply | undefined;
}

/** How long each step may take, in ms. */
export interface DaemonDeadlines {
  /** From connecting to the first line; a live daemon accepts at once and answers a hit in under 1 ms. */
  answerMs: number;
  /** After the daemon said it is fetching credentials (child process, maybe AssumeRole). */
  pendingMs: number;
  /** The timers the deadlines run on: Node's when absent; a test's fake clock's. */
  timers?: Timers;
}

/**
 * The plugin's whole wait on the daemon, then it makes the token itself: 1 s for a first line (a
 * live daemon answers in a millisecond; a stopped one costs no more than this; 0.4 s was too short
 * for a live one when fifty plugins start at once on a busy two-core machine), and 20 s in all
 * once the daemon said it is fetching credentials, however many times it says so.
 */
export const DEFAULT_DEADLINES: DaemonDeadlines = { answerMs: 1000, pendingMs: 20_000 };
