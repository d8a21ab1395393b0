// Where the daemon's socket lives and whether its directory is safe. The plugin's hot path imports
// this module, so it uses only Node built-ins (EksTokenError has no imports).
import { lstatSync, mkdirSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { EksTokenError } from '../shared/EksTokenError.js';

// sockaddr_un holds 108 bytes including the terminating NUL.
const MAX_SOCKET_PATH = 107;

/** This process's uid (0 where Node has no getuid, which only happens off POSIX). */
export function currentUid(): number {
  return process.getuid?.() ?? 0;
}

/** EKS_TOKEN_SOCKET, else $XDG_RUNTIME_DIR/eks-token/daemon.sock, else /tmp/eks-token-<uid>/daemon.sock. */
export function resolveSocketPath(env: Record<string, string | undefined>, uid = currentUid()): string {
  const set = env.EKS_TOKEN_SOCKET;
  if (set) return isNormalAbsolute(set) ? set : resolve(set);
  const runtime = env.XDG_RUNTIME_DIR;
  if (runtime && isNormalAbsolute(runtime)) return `${runtime}/eks-token/daemon.sock`;
  if (runtime && isAbsolute(runtime)) return join(runtime, 'eks-token', 'daemon.sock');
  return `/tmp/eks-token-${uid}/daemon.sock`;
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

/** The directory of a path from resolveSocketPath (always absolute and normal). */
export function socketDirOf(socketPath: string): string {
  return socketPath.slice(0, socketPath.lastIndexOf('/')) || '/';
}

/**
 * Why the socket's directory must not be trusted, or undefined when it is safe: a real directory
 * (not a symlink), owned by `uid`, with no group or other permission bits. Anyone who could write
 * there could put their own socket in place and collect the keys clients send.
 */
export function socketDirProblem(dir: string, uid = currentUid()): string | undefined {
  let stat: ReturnType<typeof lstatSync>;
  try {
    stat = lstatSync(dir);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'absent' : `cannot be read`;
  }
  if (stat.isSymbolicLink()) return 'is a symbolic link';
  if (!stat.isDirectory()) return 'is not a directory';
  if (stat.uid !== uid) return `is owned by uid ${stat.uid}, not ${uid}`;
  if ((stat.mode & 0o077) !== 0) return `has mode ${(stat.mode & 0o777).toString(8)}, not 700`;
  return undefined;
}

/** Creates the socket's directory (0700) when missing and refuses an unsafe one with E_SOCKET_DIR. */
export function ensureSocketDir(socketPath: string, uid = currentUid()): void {
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) {
    throw new EksTokenError(
      'E_SOCKET_DIR',
      `socket path ${socketPath} is longer than the ${MAX_SOCKET_PATH} bytes a Unix socket allows`,
      'set EKS_TOKEN_SOCKET to a shorter path',
    );
  }
  const dir = dirname(socketPath);
  if (socketDirProblem(dir, uid) === 'absent') {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new EksTokenError(
        'E_SOCKET_DIR',
        `cannot create the daemon socket directory ${dir} (${(error as NodeJS.ErrnoException).code})`,
        'set EKS_TOKEN_SOCKET to a path in a directory you own',
        { cause: error },
      );
    }
  }
  const problem = socketDirProblem(dir, uid);
  if (problem) {
    throw new EksTokenError(
      'E_SOCKET_DIR',
      `the daemon socket directory ${dir} ${problem === 'absent' ? 'vanished' : problem}`,
      problem.startsWith('has mode')
        ? `run chmod 700 ${dir}, or set EKS_TOKEN_SOCKET to a path in a private directory`
        : `remove ${dir} (it must be a private directory owned by you), or set EKS_TOKEN_SOCKET elsewhere`,
    );
  }
}
