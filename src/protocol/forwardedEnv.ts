// Which of the caller's variables travel to the daemon. The plugin's hot path imports this module,
// so it may use only Node built-ins.

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

/** What parsing the plugin's command line reads besides the key variables (an `exec` request only). */
export const COMMAND_ENV = [
  'KUBERNETES_EXEC_INFO',
  'KUBERNETES_AWS_AUTHENTICATOR_CLUSTER_ID',
  'EKS_TOKEN_DAEMON',
];

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

/** The variables an `exec` request carries: the forwarded ones and what parsing the command line reads. */
export function execEnv(env: Record<string, string | undefined>): Record<string, string> {
  const forwarded = forwardedEnv(env);
  for (const name of COMMAND_ENV) {
    const value = env[name];
    if (value !== undefined) forwarded[name] = value;
  }
  return forwarded;
}
