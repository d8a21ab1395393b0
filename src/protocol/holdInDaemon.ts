// The `hold` operation: after a daemon's fetch failed for want of an MFA code, the plugin (which
// could prompt) hands the daemon the credentials it got, so later calls from any shell with the same
// identity need no code until they expire. What the daemon accepts: daemon/CredentialCache.ts.

import type { AwsCredentials } from '../aws/AwsCredentials.js';
import { EksTokenError } from '../shared/EksTokenError.js';
import type { DaemonOutcome } from './DaemonExchange.js';
import { type HeldCredentials, PROTOCOL_VERSION } from './DaemonRequest.js';
import { forwardedEnv } from './forwardedEnv.js';
import { isErrorReply, parseAnswerLine } from './parseAnswerLine.js';
import { requestFromDaemon } from './requestFromDaemon.js';

/** The daemon's answer: whether it keeps them (it refuses what it did not ask for). */
export interface HoldReply {
  v: number;
  ok: true;
  held: boolean;
}

const MAX_SECRET = 8192;

/**
 * The `hold` request line: the command line (as `exec` sends it), environment and working directory
 * the credentials were resolved for.
 */
export function holdRequestLine(
  argv: string[],
  env: Record<string, string | undefined>,
  credentials: HeldCredentials,
  cwd?: string,
): string {
  const line = { v: PROTOCOL_VERSION, op: 'hold', argv, env: forwardedEnv(env), credentials, cwd };
  return `${JSON.stringify(line)}\n`;
}

/** The daemon's answer line to `hold`. */
export function holdAnswerLine(held: boolean): string {
  return `${JSON.stringify({ v: PROTOCOL_VERSION, ok: true, held })}\n`;
}

/** Checks the credentials of a `hold` request (daemon side); throws E_BAD_REQUEST. */
export function parseHeldCredentials(raw: unknown): HeldCredentials {
  const c = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const secret = (v: unknown) =>
    typeof v === 'string' && v.length > 0 && v.length <= MAX_SECRET && !/[\0\r\n]/.test(v);
  if (
    Object.keys(c).length !== 4 ||
    !secret(c.accessKeyId) ||
    !secret(c.secretAccessKey) ||
    !secret(c.sessionToken)
  )
    throw new EksTokenError('E_BAD_REQUEST', 'bad daemon request: credentials are not temporary credentials');
  if (typeof c.expiration !== 'number' || !Number.isSafeInteger(c.expiration))
    throw new EksTokenError('E_BAD_REQUEST', 'bad daemon request: credentials.expiration is not a time');
  return c as unknown as HeldCredentials;
}

/** Hands the daemon at the caller's socket (checked first, as for every request) the credentials a prompt produced; never rejects. */
export function holdInDaemon(
  argv: string[],
  env: Record<string, string | undefined>,
  credentials: AwsCredentials,
  now: () => number,
  cwd?: string,
): Promise<DaemonOutcome<HoldReply>> {
  const { accessKeyId, secretAccessKey, sessionToken, expiration } = credentials;
  if (!sessionToken || !expiration)
    return Promise.resolve({ ok: false, reason: 'error', detail: 'not temporary credentials' });
  const line = holdRequestLine(
    argv,
    env,
    {
      accessKeyId,
      secretAccessKey,
      sessionToken,
      expiration: expiration.getTime(),
    },
    cwd,
  );
  const parse = (text: string) => {
    const reply = parseAnswerLine(text);
    if (reply === undefined || isErrorReply(reply)) return reply;
    return reply.ok === true && typeof reply.held === 'boolean'
      ? { v: PROTOCOL_VERSION, ok: true as const, held: reply.held }
      : undefined;
  };
  return new Promise((resolve) => requestFromDaemon({ line, parse }, env, now, resolve));
}
