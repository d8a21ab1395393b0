// Where the daemon's socket lives. The plugin's hot path imports this module, so it uses only Node
// built-ins.
import { isAbsolute, join, resolve } from 'node:path';
import { currentUid, MAX_SOCKET_PATH, socketDirProblem } from './socketDirProblem.js';

/**
 * EKS_TOKEN_SOCKET (made absolute), else $XDG_RUNTIME_DIR/eks-token/daemon.sock, else
 * /tmp/eks-token-<uid>/daemon.sock; when another user holds /tmp/eks-token-<uid> (anyone may create
 * it first), $HOME/.eks-token/daemon.sock instead (see socketPathNote).
 */
export function resolveSocketPath(env: Record<string, string | undefined>, uid = currentUid()): string {
  const set = env.EKS_TOKEN_SOCKET;
  if (set) return isNormalAbsolute(set) ? set : resolve(set);
  const runtime = env.XDG_RUNTIME_DIR;
  if (runtime && isNormalAbsolute(runtime)) return `${runtime}/eks-token/daemon.sock`;
  if (runtime && isAbsolute(runtime)) return join(runtime, 'eks-token', 'daemon.sock');
  return homeFallback(env, uid) ?? `/tmp/eks-token-${uid}/daemon.sock`;
}

/** Why resolveSocketPath chose the path under HOME (for --debug), or undefined when it did not. */
export function socketPathNote(
  env: Record<string, string | undefined>,
  uid = currentUid(),
): string | undefined {
  if (env.EKS_TOKEN_SOCKET || (env.XDG_RUNTIME_DIR && isAbsolute(env.XDG_RUNTIME_DIR))) return undefined;
  const fallback = homeFallback(env, uid);
  if (!fallback) return undefined;
  const dir = `/tmp/eks-token-${uid}`;
  return `${dir} ${socketDirProblem(dir, uid)}, so the daemon socket is ${fallback}`;
}

// The socket under HOME when /tmp/eks-token-<uid> exists and is not a directory of this user's (a
// wrong mode of the user's own is reported with its fix instead), and the path fits a socket address.
function homeFallback(env: Record<string, string | undefined>, uid: number): string | undefined {
  const problem = socketDirProblem(`/tmp/eks-token-${uid}`, uid);
  if (problem === undefined || problem === 'absent' || problem.startsWith('has mode')) return undefined;
  const home = env.HOME;
  if (!home || !isAbsolute(home)) return undefined;
  const path = join(home, '.eks-token', 'daemon.sock');
  return Buffer.byteLength(path) <= MAX_SOCKET_PATH ? path : undefined;
}

/**
 * True for an absolute path that path.resolve would leave unchanged: no empty, "." or ".." segment
 * and no trailing slash. The hot path skips resolve() and join() for these (string tests, not a
 * regex: each first use in a process costs ~0.1 ms, where a cache hit's own work is a few ms).
 */
export function isNormalAbsolute(path: string): boolean {
  return (
    path.length > 1 &&
    path.startsWith('/') &&
    !path.endsWith('/') &&
    !path.endsWith('/.') &&
    !path.endsWith('/..') &&
    !path.includes('//') &&
    !path.includes('/./') &&
    !path.includes('/../')
  );
}
