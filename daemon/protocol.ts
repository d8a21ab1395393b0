// The socket protocol between plugin and daemon. The plugin's hot path imports this module, so it
// may use only Node built-ins and type-only imports.
import type { TokenRequest } from '../src/parseCommandLine.js';

/** Version of the wire protocol; a client and a daemon that disagree never exchange tokens. */
export const PROTOCOL_VERSION = 1;
/** Longest line either side accepts, in bytes; a request with a session token is a few KB. */
export const MAX_LINE_BYTES = 64 * 1024;

/** The operations the daemon answers. */
export type DaemonOp = 'token' | 'status' | 'flush' | 'stop' | 'ping';

/** One request line: a token request with the caller's environment, or a control operation. */
export type DaemonRequest =
  | { v: number; op: 'token'; request: TokenRequest; env: Record<string, string> }
  | { v: number; op: Exclude<DaemonOp, 'token'> };

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
    const value = env[name];
    if (value !== undefined && (isKeyEnv(name) || RUNTIME_ENV.has(name))) out[name] = value;
  }
  return out;
}

/** The token request line a client sends. */
export function tokenRequestLine(request: TokenRequest, env: Record<string, string | undefined>): string {
  return `${JSON.stringify({ v: PROTOCOL_VERSION, op: 'token', request, env: forwardedEnv(env) })}\n`;
}

/** Checks a token answer line; undefined for anything a correct daemon of this version would not send. */
export function parseTokenReply(line: string, now: number): TokenReply | ErrorReply | undefined {
  let reply: {
    v?: unknown;
    ok?: unknown;
    error?: { code?: unknown };
    token?: unknown;
    expiresAt?: unknown;
    clusterName?: unknown;
    cached?: unknown;
    warnings?: unknown;
  };
  try {
    reply = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof reply !== 'object' || reply === null || reply.v !== PROTOCOL_VERSION) return undefined;
  if (reply.ok === false && typeof reply.error?.code === 'string') {
    // Rebuilt from checked strings: the caller prints these, and an odd object could throw in a template.
    const message = (reply.error as { message?: unknown }).message;
    return {
      v: PROTOCOL_VERSION,
      ok: false,
      error: { code: reply.error.code, message: typeof message === 'string' ? message : '' },
    };
  }
  const v = reply.v;
  const { token, expiresAt, clusterName, warnings } = reply;
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
  return { v, ok: true, token, expiresAt, clusterName, cached: reply.cached === true, warnings };
}
