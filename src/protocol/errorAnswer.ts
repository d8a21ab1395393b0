import { EksTokenError, isEksTokenError, oneLine } from '../shared/EksTokenError.js';
import { PROTOCOL_VERSION } from './DaemonRequest.js';
import type { ErrorReply } from './parseAnswerLine.js';

/**
 * The error codes of the protocol itself (an answer may also carry any code a mint reports):
 * - E_UNKNOWN_OP: the daemon does not know the operation (it is older than the client); the client
 *   may ask again with an older operation.
 * - E_NOT_FOR_DAEMON: an `exec` call the plugin must run itself (--help, a mistake it reports).
 * - E_BAD_REQUEST: the daemon cannot read the request line; E_DAEMON_BUSY: it holds too many long
 *   lines; E_DAEMON_INTERNAL: it failed unexpectedly. None is asked again: the plugin mints itself.
 */
export type ProtocolErrorCode =
  | 'E_UNKNOWN_OP'
  | 'E_NOT_FOR_DAEMON'
  | 'E_BAD_REQUEST'
  | 'E_DAEMON_BUSY'
  | 'E_DAEMON_INTERNAL';

/** The refusal of an operation the daemon does not know. */
export function unknownOpError(op: unknown): EksTokenError {
  const name = typeof op === 'string' ? op.slice(0, 40) : typeof op;
  return new EksTokenError('E_UNKNOWN_OP', `bad daemon request: unknown op ${name}`);
}

/** The error answer for a failure: its code and one-line message (messages never carry secrets). */
export function errorAnswer(error: unknown): ErrorReply {
  const code = isEksTokenError(error) ? error.code : 'E_DAEMON_INTERNAL';
  const message =
    typeof error === 'string' ? error : oneLine(error instanceof Error ? error.message : String(error));
  return { v: PROTOCOL_VERSION, ok: false, error: { code, message } };
}

/** The error answer's wire line. */
export function errorAnswerLine(error: unknown): string {
  return `${JSON.stringify(errorAnswer(error))}\n`;
}
