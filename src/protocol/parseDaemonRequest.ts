import { EksTokenError } from '../shared/EksTokenError.js';
import { type ControlOp, type DaemonRequest, PROTOCOL_VERSION } from './DaemonRequest.js';
import { unknownOpError } from './errorAnswer.js';
import { parseHeldCredentials } from './holdInDaemon.js';

const OPS = new Set(['exec', 'hold', 'status', 'flush', 'stop', 'ping']);
// The plugin's arguments: kubeconfig args are a handful of short flags.
const MAX_ARGS = 64;
const MAX_FIELD = 2048;
const MAX_PATH = 4096;

/**
 * Parses and validates one request line: each field the operation reads is checked (the command
 * line itself is parsed by the daemon as the CLI parses it). Throws E_BAD_REQUEST with a one-line
 * reason (E_UNKNOWN_OP for an operation this daemon does not know).
 */
export function parseDaemonRequest(line: string): DaemonRequest {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    throw bad('the request is not JSON');
  }
  if (!isObject(raw)) throw bad('the request is not a JSON object');
  if (raw.v !== PROTOCOL_VERSION) {
    // Never String() a client's value: an object whose toString is not a function throws.
    const v = typeof raw.v === 'number' ? raw.v : typeof raw.v;
    throw bad(`protocol version ${v} is not ${PROTOCOL_VERSION}`);
  }
  const op = raw.op;
  if (typeof op !== 'string' || !OPS.has(op)) throw unknownOpError(op);
  if (op === 'exec') {
    const exec = { v: PROTOCOL_VERSION, op, argv: parseArgv(raw.argv), env: parseEnv(raw.env) } as const;
    return raw.cwd === undefined ? exec : { ...exec, cwd: parseCwd(raw.cwd) };
  }
  if (op === 'hold') {
    const credentials = parseHeldCredentials(raw.credentials);
    const hold = {
      v: PROTOCOL_VERSION,
      op,
      argv: parseArgv(raw.argv),
      env: parseEnv(raw.env),
      credentials,
    } as const;
    return raw.cwd === undefined ? hold : { ...hold, cwd: parseCwd(raw.cwd) };
  }
  return { v: PROTOCOL_VERSION, op: op as ControlOp };
}

function parseArgv(raw: unknown): string[] {
  if (
    !Array.isArray(raw) ||
    raw.length === 0 ||
    raw.length > MAX_ARGS ||
    !raw.every((a) => typeof a === 'string' && a.length <= MAX_FIELD && !a.includes('\0'))
  )
    throw bad('argv is not a short list of arguments');
  return [...raw];
}

// Any variable a process can hold: a name without '=' (bash's exported functions are named
// BASH_FUNC_which%%) and a value of any length, neither with a NUL. The line's own limit
// (MAX_REQUEST_BYTES) bounds the whole.
function parseEnv(raw: unknown): Record<string, string> {
  if (raw === undefined) return {};
  if (!isObject(raw)) throw bad('env is not an object');
  // A prototype-free object: a "__proto__" name cannot reach Object.prototype.
  const env: Record<string, string> = Object.create(null);
  for (const [name, value] of Object.entries(raw)) {
    if (name.length === 0 || name.includes('=') || name.includes('\0'))
      throw bad('env has a variable name that is not one');
    if (typeof value !== 'string' || value.includes('\0')) throw bad('env has a value that is not a string');
    env[name] = value;
  }
  return env;
}

// The caller's working directory: absolute, one line, no NUL.
function parseCwd(raw: unknown): string {
  if (typeof raw !== 'string' || !raw.startsWith('/') || raw.length > MAX_PATH || /[\0\r\n]/.test(raw))
    throw bad('cwd is not an absolute path');
  return raw;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function bad(reason: string): EksTokenError {
  return new EksTokenError('E_BAD_REQUEST', `bad daemon request: ${reason}`);
}
