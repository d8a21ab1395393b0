// The socket protocol between plugin and daemon. The plugin's hot path imports this module, so it
// may use only Node built-ins and type-only imports.
import type { TokenRequest } from '../token/parseCommandLine.js';

/** Version of the wire protocol; a client and a daemon that disagree never exchange tokens. */
export const PROTOCOL_VERSION = 1;
/** Longest line either side accepts, in bytes; a request with a session token is a few KB. */
export const MAX_LINE_BYTES = 64 * 1024;

/** The operations the daemon answers. */
export type DaemonOp = 'token' | 'exec' | 'status' | 'flush' | 'stop' | 'ping';

/**
 * One request line: a token request with the caller's environment; the plugin's own command line
 * (`exec`: the daemon parses it and answers what the plugin prints); or a control operation.
 */
export type DaemonRequest =
  | { v: number; op: 'token'; request: TokenRequest; env: Record<string, string> }
  | { v: number; op: 'exec'; argv: string[]; env: Record<string, string> }
  | { v: number; op: Exclude<DaemonOp, 'token' | 'exec'> };

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

/** A failed answer: the client falls back to minting in-process. */
export interface ErrorReply {
  v: number;
  ok: false;
  error: { code: string; message: string };
}

/** Sent before the answer when it needs a credential fetch, so the client waits longer. */
export const PENDING_LINE = `${JSON.stringify({ v: PROTOCOL_VERSION, pending: true })}\n`;

// Variables a credential_process, SSO or proxied call may need to run, but that do not pick the identity.
const RUNTIME_ENV = new Set([
  'PATH',
  'USER',
  'LOGNAME',
  'LANG',
  'LC_ALL',
  'TMPDIR',
  'TZ',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'NODE_EXTRA_CA_CERTS',
  'EKS_TOKEN_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'SSH_AUTH_SOCK',
  'DBUS_SESSION_BUS_ADDRESS',
  'DISPLAY',
  'WAYLAND_DISPLAY',
  'XDG_RUNTIME_DIR',
  'XDG_CONFIG_HOME',
  'XDG_DATA_HOME',
  'XDG_CACHE_HOME',
  'GNUPGHOME',
]);

/**
 * True for variables that are part of the cache key: those that decide which identity, region,
 * endpoint or cluster name a token gets (hashed, so static keys never sit in a key). All of
 * AWS_[A-Z0-9_]+ because the SDK keeps adding switches (AWS_CREDENTIAL_EXPIRATION,
 * AWS_ENDPOINT_URL_*, ...); an extra one only splits the cache.
 */
export function isKeyEnv(name: string): boolean {
  if (name === 'HOME' || name === 'EKS_TOKEN_DNS_SERVER') return true;
  if (name.length < 5 || !name.startsWith('AWS_')) return false;
  // Characters, not a regex: a regex's first use costs ~0.1 ms, and the hot path runs this once.
  for (let i = 4; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95)) return false;
  }
  return true;
}

/** The caller's variables the daemon needs: key variables plus what a credential fetch runs with. */
export function forwardedEnv(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(env)) {
    // The name first: reading a value from process.env is a call into C++ (getenv), per variable.
    if (!isKeyEnv(name) && !RUNTIME_ENV.has(name)) continue;
    const value = env[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

// What parsing the plugin's command line reads besides the key variables (an `exec` request only).
const COMMAND_ENV = ['KUBERNETES_EXEC_INFO', 'KUBERNETES_AWS_AUTHENTICATOR_CLUSTER_ID', 'EKS_TOKEN_DAEMON'];

/** The `exec` request line: the plugin's arguments (command first) and the variables they need. */
export function execRequestLine(argv: string[], env: Record<string, string | undefined>): string {
  const forwarded = forwardedEnv(env);
  for (const name of COMMAND_ENV) {
    const value = env[name];
    if (value !== undefined) forwarded[name] = value;
  }
  return `${JSON.stringify({ v: PROTOCOL_VERSION, op: 'exec', argv, env: forwarded })}\n`;
}

/** Checks an `exec` answer line; undefined for anything a correct daemon of this version would not send. */
export function parseExecReply(line: string, now: number): ExecReply | ErrorReply | undefined {
  const reply = parseLine(line);
  if (reply === undefined || isErrorReply(reply)) return reply;
  const { v, expiresAt, stdout, stderr } = reply;
  if (
    reply.ok !== true ||
    typeof expiresAt !== 'number' ||
    !Number.isFinite(expiresAt) ||
    expiresAt <= now ||
    typeof stdout !== 'string' ||
    stdout.length === 0 ||
    typeof stderr !== 'string'
  )
    return undefined;
  return { v: v as number, ok: true, expiresAt, stdout, stderr };
}

/** The token request line a client sends. */
export function tokenRequestLine(request: TokenRequest, env: Record<string, string | undefined>): string {
  return `${JSON.stringify({ v: PROTOCOL_VERSION, op: 'token', request, env: forwardedEnv(env) })}\n`;
}

/** Checks a token answer line; undefined for anything a correct daemon of this version would not send. */
export function parseTokenReply(line: string, now: number): TokenReply | ErrorReply | undefined {
  const reply = parseLine(line);
  if (reply === undefined || isErrorReply(reply)) return reply;
  const { v, token, expiresAt, clusterName, warnings } = reply;
  if (
    reply.ok !== true ||
    typeof token !== 'string' ||
    !/^k8s-aws-v1\.[A-Za-z0-9_-]{1,8000}$/.test(token) ||
    typeof expiresAt !== 'number' ||
    !Number.isFinite(expiresAt) ||
    expiresAt <= now ||
    typeof clusterName !== 'string' ||
    !Array.isArray(warnings) ||
    !warnings.every((w) => typeof w === 'string' && w.length < 2000 && !/[\r\n]/.test(w))
  ) {
    return undefined;
  }
  return { v: v as number, ok: true, token, expiresAt, clusterName, cached: reply.cached === true, warnings };
}

// One answer line as JSON of this protocol version: its fields, or the error it reports; undefined
// when it is neither.
function parseLine(line: string): Record<string, unknown> | ErrorReply | undefined {
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

function isErrorReply(reply: Record<string, unknown> | ErrorReply): reply is ErrorReply {
  return reply.ok === false;
}
