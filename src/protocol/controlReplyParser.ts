// The answers to control operations (ping, status, flush, stop): the daemon's encoders and the
// client's checks, one per operation.
import { type ControlOp, PROTOCOL_VERSION } from './DaemonRequest.js';
import { type ErrorReply, isErrorReply, parseAnswerLine } from './parseAnswerLine.js';

/** What `daemon status` shows: the daemon, its counters and one row per cached token (never a token). */
export interface DaemonStatus {
  pid: number;
  version: string;
  uptimeSeconds: number;
  socket: string;
  counters: { hits: number; misses: number; renewals: number; errors: number; credentialFetches: number };
  /** Calls the running daemon left to the plugin, by reason (absent from older daemons). */
  unserved?: Record<string, number>;
  entries: Array<{
    cluster: string;
    role: string | null;
    region: string;
    expiresInSeconds: number;
    hits: number;
  }>;
  /** All cached tokens; `entries` holds the most recently used that fit in one answer. */
  entryCount?: number;
}

/** The successful answer to each control operation. */
export interface ControlReplies {
  ping: { v: number; ok: true; pid: number; version: string };
  status: { v: number; ok: true; status: DaemonStatus };
  flush: { v: number; ok: true; flushed: number };
  stop: { v: number; ok: true; pid: number };
}

/** The answer line to a control operation. */
export function controlAnswerLine<Op extends ControlOp>(
  _op: Op,
  fields: Omit<ControlReplies[Op], 'v' | 'ok'>,
): string {
  return `${JSON.stringify({ v: PROTOCOL_VERSION, ok: true, ...fields })}\n`;
}

/** The check of a control answer line for `op`; undefined for what a daemon of this version would not send. */
export function controlReplyParser<Op extends ControlOp>(
  op: Op,
): (line: string) => ControlReplies[Op] | ErrorReply | undefined {
  return (line) => {
    const reply = parseAnswerLine(line);
    if (reply === undefined || isErrorReply(reply)) return reply;
    if (reply.ok !== true || !FIELDS_OK[op](reply)) return undefined;
    return reply as unknown as ControlReplies[Op];
  };
}

const isCount = (value: unknown) => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

const FIELDS_OK: Record<ControlOp, (reply: Record<string, unknown>) => boolean> = {
  ping: (r) => isCount(r.pid) && typeof r.version === 'string',
  stop: (r) => isCount(r.pid),
  flush: (r) => isCount(r.flushed),
  status: (r) => isStatus(r.status),
};

function isStatus(value: unknown): value is DaemonStatus {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Record<string, unknown>;
  const counters = s.counters as Record<string, unknown> | undefined;
  return (
    isCount(s.pid) &&
    typeof s.version === 'string' &&
    isCount(s.uptimeSeconds) &&
    typeof s.socket === 'string' &&
    typeof counters === 'object' &&
    counters !== null &&
    ['hits', 'misses', 'renewals', 'errors', 'credentialFetches'].every((k) => isCount(counters[k])) &&
    (s.unserved === undefined ||
      (typeof s.unserved === 'object' &&
        s.unserved !== null &&
        Object.values(s.unserved).every((n) => isCount(n)))) &&
    Array.isArray(s.entries)
  );
}
