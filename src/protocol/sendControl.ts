import { lstatSync } from 'node:fs';
import { type ControlReplies, controlReplyParser } from './controlReplyParser.js';
import type { DaemonOutcome } from './DaemonExchange.js';
import { type ControlOp, controlRequestLine } from './DaemonRequest.js';
import { exchangeWithDaemon } from './requestFromDaemon.js';
import { trustedSocket } from './trustedSocket.js';

/**
 * Sends one control operation to the daemon on `socketPath` and reads its answer; never rejects.
 * The socket is checked as for a token (trustedSocket): one that is not safely ours is not
 * connected to (`unsafe`).
 */
export function sendControl<Op extends ControlOp>(
  socketPath: string,
  op: Op,
  timeoutMs = 3000,
): Promise<DaemonOutcome<ControlReplies[Op]>> {
  const parse = controlReplyParser(op);
  const exchange = { line: controlRequestLine(op), parse: (line: string) => parse(line) };
  const deadlines = { answerMs: timeoutMs, pendingMs: timeoutMs };
  const trusted = trustedSocket(socketPath);
  if (!trusted.ok) {
    const reason = trusted.absent ? 'absent' : 'unsafe';
    return Promise.resolve({ ok: false, reason, detail: trusted.problem });
  }
  return new Promise((resolve) =>
    exchangeWithDaemon(socketPath, exchange, Date.now, resolve, deadlines, trusted),
  );
}

/** What is at the socket path: a live daemon, a stale socket file, nothing, or something else. */
export type SocketProbe =
  | { state: 'live'; pid: number; version: string }
  | { state: 'absent' | 'stale' | 'not-socket' }
  | { state: 'unresponsive'; detail: string };

/** Looks at the socket path and asks whoever listens there for its pid. */
export async function probeSocket(socketPath: string): Promise<SocketProbe> {
  const stat = lstatSync(socketPath, { throwIfNoEntry: false });
  if (!stat) return { state: 'absent' };
  if (!stat.isSocket()) return { state: 'not-socket' };
  const outcome = await sendControl(socketPath, 'ping');
  if (outcome.ok) return { state: 'live', pid: outcome.reply.pid, version: outcome.reply.version };
  if (outcome.reason === 'refused') return { state: 'stale' };
  if (outcome.reason === 'absent') return { state: 'absent' };
  return { state: 'unresponsive', detail: outcome.detail };
}
