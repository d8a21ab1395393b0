// Whether the daemon's socket and its directory are safe to use. The plugin's hot path imports
// this module, so it uses only Node built-ins (EksTokenError has no imports).
import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import { EksTokenError } from '../shared/EksTokenError.js';

/** sockaddr_un holds 108 bytes including the terminating NUL. */
export const MAX_SOCKET_PATH = 107;

/** This process's uid (0 where Node has no getuid, which only happens off POSIX). */
export function currentUid(): number {
  return process.getuid?.() ?? 0;
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
  return privateDirProblem(stat, uid);
}

function privateDirProblem(stat: { uid: number; mode: number; isDirectory(): boolean }, uid: number) {
  if (!stat.isDirectory()) return 'is not a directory';
  if (stat.uid !== uid) return `is owned by uid ${stat.uid}, not ${uid}`;
  if ((stat.mode & 0o077) !== 0) return `has mode ${(stat.mode & 0o777).toString(8)}, not 700`;
  return undefined;
}

/**
 * Why the directories above the socket's own must not be trusted, or undefined (as OpenSSH checks its
 * files): each one up to / owned by root or `uid` and writable by nobody else, unless sticky (as
 * /tmp: others cannot rename or remove what they do not own there). Otherwise someone else could
 * rename the socket's directory away and put their own in its place.
 */
export function socketAncestorsProblem(dir: string, uid = currentUid()): string | undefined {
  for (let path = parentOf(dir); ; path = parentOf(path)) {
    let stat: ReturnType<typeof lstatSync>;
    try {
      stat = lstatSync(path);
    } catch (error) {
      return `${path} cannot be looked at (${(error as NodeJS.ErrnoException).code})`;
    }
    if (stat.isSymbolicLink()) {
      // The link sits in its parent (checked next); what it points to is checked as a chain of its own.
      let real: string;
      try {
        real = realpathSync(path);
      } catch {
        return `${path} is a symbolic link that does not resolve`;
      }
      const target = directoryProblem(real, uid) ?? socketAncestorsProblem(real, uid);
      if (target) return target;
    } else {
      const problem = directoryProblem(path, uid, stat);
      if (problem) return problem;
    }
    if (path === '/') return undefined;
  }
}

function directoryProblem(
  path: string,
  uid: number,
  stat: { uid: number; mode: number; isDirectory(): boolean } = lstatSync(path),
): string | undefined {
  if (!stat.isDirectory()) return `${path} is not a directory`;
  if (stat.uid !== 0 && stat.uid !== uid) return `${path} is owned by uid ${stat.uid}`;
  if ((stat.mode & 0o022) !== 0 && (stat.mode & 0o1000) === 0)
    return `${path} is writable by ${stat.mode & 0o020 ? 'its group' : 'others'} and not sticky`;
  return undefined;
}

function parentOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/')) || '/';
}

/**
 * Why a daemon socket at this path must not be trusted (its directory and every one above it), or
 * undefined; `absent` when its directory does not exist yet. For `eks-token doctor` and the daemon.
 */
export function socketPathProblem(socketPath: string, uid = currentUid()): string | undefined {
  const dir = socketDirOf(socketPath);
  const own = socketDirProblem(dir, uid);
  if (own) return own === 'absent' ? own : `${dir} ${own}`;
  return socketAncestorsProblem(dir, uid);
}

/** A socket to connect to, checked; or why not (`absent`: no daemon there, else unsafe). */
export type TrustedSocket =
  | { ok: true; connectPath: string; release: () => void }
  | { ok: false; absent: boolean; problem: string };

const PINNED = process.platform === 'linux';

/**
 * Checks the socket before a client sends it anything: every directory above as socketAncestorsProblem
 * says, its own directory private to `uid`, the socket file a socket owned by `uid`. On Linux the
 * directory is then held open and `connectPath` reaches the socket through that descriptor
 * (/proc/self/fd/N/name): a directory renamed or replaced after the check is never the one
 * connected to. Call `release` once connected.
 */
export function trustedSocket(socketPath: string, uid = currentUid()): TrustedSocket {
  const dir = socketDirOf(socketPath);
  const above = socketAncestorsProblem(dir, uid);
  if (above) return untrusted(above);
  let fd: number;
  try {
    fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, absent: true, problem: `no directory for ${socketPath}` };
    return untrusted(
      `${dir} ${code === 'ELOOP' || code === 'ENOTDIR' ? 'is not a directory' : `cannot be opened (${code})`}`,
    );
  }
  let closed = false;
  const release = () => {
    if (!closed) closeSync(fd);
    closed = true;
  };
  const problem = privateDirProblem(fstatSync(fd), uid);
  if (problem) {
    release();
    return untrusted(`${dir} ${problem}`);
  }
  const connectPath = `${PINNED ? `/proc/self/fd/${fd}` : dir}${socketPath.slice(dir.length)}`;
  let socket: ReturnType<typeof lstatSync>;
  try {
    socket = lstatSync(connectPath, { throwIfNoEntry: false });
  } catch (error) {
    release();
    return untrusted(`${socketPath} cannot be looked at (${(error as NodeJS.ErrnoException).code})`);
  }
  if (!socket) {
    release();
    return { ok: false, absent: true, problem: `no socket at ${socketPath}` };
  }
  if (!socket.isSocket() || socket.uid !== uid) {
    release();
    return untrusted(
      `${socketPath} ${socket.isSocket() ? `is owned by uid ${socket.uid}, not ${uid}` : 'is not a socket'}`,
    );
  }
  return { ok: true, connectPath, release };
}

function untrusted(problem: string): TrustedSocket {
  return { ok: false, absent: false, problem };
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
  const above = problem ? undefined : socketAncestorsProblem(dir, uid);
  if (above)
    throw new EksTokenError(
      'E_SOCKET_DIR',
      `the daemon socket directory ${dir} is unsafe: ${above}`,
      'set EKS_TOKEN_SOCKET to a path whose directories only you and root can write',
    );
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
