// Connecting only to a socket whose directories are safe. The plugin's hot path imports this
// module, so it uses only Node built-ins.
import { closeSync, constants, fstatSync, lstatSync, openSync } from 'node:fs';
import { currentUid, privateDirProblem, socketAncestorsProblem, socketDirOf } from './socketDirProblem.js';

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
