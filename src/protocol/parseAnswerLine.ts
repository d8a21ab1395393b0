// The answer lines the daemon sends for `exec` requests, their encoder and the client's checks.
// The plugin's hot path imports this module, so it may use only Node built-ins.
import { PROTOCOL_VERSION } from './DaemonRequest.js';

/**
 * A successful `exec` answer: what the plugin prints, as the in-process plugin would print it, and
 * what --debug says about the token.
 */
export interface ExecReply {
  v: number;
  ok: true;
  /** Epoch ms: the token's expiry. */
  expiresAt: number;
  stdout: string;
  stderr: string;
  /** The cluster the token is for (absent from a daemon that does not send it). */
  clusterName?: string;
  /** True when the token came from the cache. */
  cached: boolean;
}

/** A failed answer (see errorAnswer.ts for the codes): the client falls back to minting in-process. */
export interface ErrorReply {
  v: number;
  ok: false;
  error: { code: string; message: string };
}

const PENDING = JSON.stringify({ v: PROTOCOL_VERSION, pending: true });
/** Sent before the answer when it needs a credential fetch, so the client waits longer. */
export const PENDING_LINE = `${PENDING}\n`;

/** True for the pending line (without its newline). */
export function isPendingLine(line: string): boolean {
  return line === PENDING;
}

/** An `exec` answer's wire line. */
export function execAnswerLine(answer: Omit<ExecReply, 'v' | 'ok'>): string {
  const { expiresAt, stdout, stderr, clusterName, cached } = answer;
  return `${JSON.stringify({ v: PROTOCOL_VERSION, ok: true, expiresAt, stdout, stderr, clusterName, cached })}\n`;
}

/** Checks an `exec` answer line; undefined for anything a correct daemon of this version would not send. */
export function parseExecReply(line: string, now: number): ExecReply | ErrorReply | undefined {
  const reply = parseAnswerLine(line);
  if (reply === undefined || isErrorReply(reply)) return reply;
  const { expiresAt, stdout, stderr } = reply;
  if (
    reply.ok !== true ||
    !isFuture(expiresAt, now) ||
    typeof stdout !== 'string' ||
    stdout.length === 0 ||
    typeof stderr !== 'string'
  )
    return undefined;
  // The native client prints what passes the checks above: --debug's fields never fail an answer.
  const { clusterName } = reply;
  const cached = reply.cached === true;
  if (typeof clusterName !== 'string')
    return { v: PROTOCOL_VERSION, ok: true, expiresAt, stdout, stderr, cached };
  return { v: PROTOCOL_VERSION, ok: true, expiresAt, stdout, stderr, clusterName, cached };
}

/**
 * One answer line as JSON of this protocol version: its fields, or the error it reports (rebuilt
 * from checked strings); undefined when it is neither.
 */
export function parseAnswerLine(line: string): Record<string, unknown> | ErrorReply | undefined {
  let reply: unknown;
  try {
    reply = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof reply !== 'object' || reply === null) return undefined;
  const fields = reply as Record<string, unknown>;
  if (fields.v !== PROTOCOL_VERSION) return undefined;
  if (fields.ok !== false) return fields;
  const error = fields.error as { code?: unknown; message?: unknown } | undefined;
  if (typeof error?.code !== 'string') return undefined;
  // Rebuilt from checked strings: the caller prints these, and an odd object could throw in a template.
  const message = typeof error.message === 'string' ? error.message : '';
  return { v: PROTOCOL_VERSION, ok: false, error: { code: error.code, message } };
}

/** True when a parsed answer line is an error answer. */
export function isErrorReply(reply: Record<string, unknown> | ErrorReply): reply is ErrorReply {
  return reply.ok === false;
}

function isFuture(expiresAt: unknown, now: number): expiresAt is number {
  return typeof expiresAt === 'number' && Number.isFinite(expiresAt) && expiresAt > now;
}
