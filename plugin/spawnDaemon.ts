import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import { resolveSocketPath } from '../src/protocol/resolveSocketPath.js';
import { EksTokenError } from '../src/shared/EksTokenError.js';
import type { PluginDeps } from './PluginDeps.js';

// All the daemon's own environment holds: each request brings its caller's. Nothing else of the
// starting shell (no NODE_OPTIONS: an --inspect there would give any local user the daemon's keys;
// no AWS_*: one shell's identity must not become everybody's).
const DAEMON_ENV = ['HOME', 'USER', 'LOGNAME', 'PATH', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'XDG_RUNTIME_DIR'];

/**
 * The daemon's environment: a short allow-list of the caller's, plus the socket path the caller
 * resolved (absolute: the daemon runs in /, where a relative EKS_TOKEN_SOCKET would name another file).
 */
export function daemonEnv(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of DAEMON_ENV) {
    const value = env[name];
    if (value !== undefined) out[name] = value;
  }
  out.EKS_TOKEN_SOCKET = resolveSocketPath(env);
  return out;
}

/**
 * V8 flags for the long-running daemon: a 1 MB young generation keeps its resident memory about
 * 30 MB lower under load at no measured cost in throughput (bench/results). The systemd and launchd
 * units set the same through NODE_OPTIONS.
 */
export const DAEMON_NODE_FLAGS = ['--max-semi-space-size=1'];

/**
 * Starts `eks-token daemon run` detached in its own session, cwd /, so it outlives the caller and
 * holds none of its pipes (kubectl waits for the plugin's stdout to close). Through sh for
 * `ulimit -c 0` (Node cannot set rlimits): a core dump of the daemon would hold every key and token.
 */
export function spawnDaemon(
  selfPath: string,
  env: Record<string, string | undefined>,
  args: string[],
  stdio: StdioOptions = 'ignore',
): ChildProcess {
  const node = [process.execPath, ...DAEMON_NODE_FLAGS, selfPath, 'daemon', 'run', ...args];
  const child = spawn('/bin/sh', ['-c', 'ulimit -c 0 && exec "$@"', 'eks-token', ...node], {
    detached: true,
    stdio,
    cwd: '/',
    env: daemonEnv(env),
  });
  child.on('error', () => {});
  child.unref();
  return child;
}

/** The CLI script to start children from; only missing when run() is called without one. */
export function requireSelfPath(deps: PluginDeps): string {
  if (!deps.selfPath)
    throw new EksTokenError(
      'E_DAEMON_START',
      'cannot tell which eks-token script is running',
      'run it as eks-token',
    );
  return deps.selfPath;
}
