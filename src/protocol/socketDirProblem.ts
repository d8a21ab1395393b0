// The rules a socket's directories must meet before anyone sends keys through it. The plugin's
// hot path imports this module (through trustedSocket and resolveSocketPath), so it uses only
// Node built-ins.
import { lstatSync, realpathSync } from 'node:fs';

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

/** socketDirProblem's rule on a stat already taken (trustedSocket's is of the descriptor it holds). */
export function privateDirProblem(
  stat: { uid: number; mode: number; isDirectory(): boolean },
  uid: number,
): string | undefined {
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
