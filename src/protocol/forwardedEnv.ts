// Which of the caller's variables travel to the daemon: all of them. The plugin's hot path imports
// this module, so it may use only Node built-ins.

/**
 * The caller's variables the daemon gets: every one. A credential_process helper may read any
 * variable and finds its command on PATH, so credentials are resolved in the whole environment,
 * and the daemon decides which variables key its cache (daemon/callerIdentity.ts).
 */
export function forwardedEnv(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in env) {
    const value = env[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}
