// The answer lines the daemon sends for token and `exec` requests, their encoders and the client's
// checks. The plugin's hot path imports this module, so it may use only Node built-ins.
import { PROTOCOL_VERSION } from './DaemonRequest.js';

/** A successful token answer. */
export interface TokenReply {
  v: number;
  ok: true;
  token: string;
  /** Epoch ms, as the in-process plugin would report it. */
  expiresAt: number;
  clusterName: string;
  /** True when the answer came from the cache. */
  cached: boolean;
  /** Notes the in-process plugin would have printed on stderr. */
  warnings: string[];
}

/** A successful `exec` answer: what the plugin prints, as the in-process plugin would print it. */
export interface ExecReply {
  v: number;
  ok: true;
  /** Epoch ms: the token's expiry. */
  expiresAt: number;
  stdout: string;
  stderr: string;
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

/** A token answer's wire line. */
export function tokenAnswerLine(reply: TokenReply): string {
  return `${JSON.stringify(reply)}\n`;
}

/** An `exec` answer's wire line. */
export function execAnswerLine(expiresAt: number, stdout: string, stderr: string): string {
  return `${JSON.stringify({ v: PROTOCOL_VERSION, ok: true, expiresAt, stdout, stderr })}\n`;
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
  return { v: PROTOCOL_VERSION, ok: true, expiresAt, stdout, stderr };
}

/** Checks a token answer line; undefined for anything a correct daemon of this version would not send. */
export function parseTokenReply(line: string, now: number): TokenReply | ErrorReply | undefined {
  const reply = parseAnswerLine(line);
  if (reply === undefined || isErrorReply(reply)) return reply;
  const { token, expiresAt, clusterName, warnings } = reply;
  if (
    reply.ok !== true ||
    typeof token !== 'string' ||
    !/^k8s-aws-v1\.[A-Za-z0-9_-]{1,8000}$/.test(token) ||
    !isFuture(expiresAt, now) ||
    typeof clusterName !== 'string' ||
    !Array.isArray(warnings) ||
    !warnings.every((w) => typeof w === 'string' && w.length < 2000 && !/[\r\n]/.test(w))
  ) {
    return undefined;
  }
  const cached = reply.cached === true;
  return { v: PROTOCOL_VERSION, ok: true, token, expiresAt, clusterName, cached, warnings };
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
