// Making the socket's directory: the daemon before it listens, `daemon start` before it spawns one.
// Off the plugin's hot path, which only checks a directory someone else made.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { EksTokenError } from '../shared/EksTokenError.js';
import { currentUid, MAX_SOCKET_PATH, socketAncestorsProblem, socketDirProblem } from './socketDirProblem.js';

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
