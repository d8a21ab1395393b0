import { lstatSync, rmdirSync, unlinkSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { sendControl } from '../src/protocol/sendControl.js';
import { socketDirOf, socketDirProblem } from '../src/protocol/trustedSocket.js';
import { EksTokenError } from '../src/shared/EksTokenError.js';

// A daemon stops within a second or two (it ends its credential children first); give it ten.
const STOP_WAIT_MS = 10_000;
const POLL_MS = 50;

/**
 * `daemon stop`: stops the running daemon and returns once its process is gone; then removes a
 * stale socket file and the socket directory when it is private and left empty. `daemon restart`
 * starts after it: a new daemon's socket is safe from the old process.
 */
export async function stopDaemon(socketPath: string, print: (text: string) => void): Promise<void> {
  const outcome = await sendControl(socketPath, 'stop');
  if (outcome.ok) {
    const pid = outcome.reply.pid;
    // Until the old process is gone it may still remove "its" socket file: a new daemon's.
    for (let waited = 0; isAlive(pid); waited += POLL_MS) {
      if (waited >= STOP_WAIT_MS)
        throw new EksTokenError(
          'E_DAEMON_STOP',
          `the daemon (pid ${pid}) did not stop within ${STOP_WAIT_MS / 1000} s`,
          `kill ${pid}`,
        );
      await sleep(POLL_MS);
    }
    print(`eks-token: stopped the daemon (pid ${pid})`);
  } else if (outcome.reason === 'absent' || outcome.reason === 'refused') {
    print(`eks-token: no daemon is running on ${socketPath}`);
  } else {
    throw new EksTokenError(
      'E_DAEMON_UNRESPONSIVE',
      `the daemon on ${socketPath} did not answer: ${outcome.detail}`,
    );
  }
  removeLeftovers(socketPath, !outcome.ok && outcome.reason === 'refused');
}

// Only in a directory that is ours alone: the socket when nobody accepted on it, then the directory
// if empty. A socket manager's (systemd's) live socket stays, and with it the directory.
function removeLeftovers(socketPath: string, stale: boolean): void {
  const dir = socketDirOf(socketPath);
  if (socketDirProblem(dir) !== undefined) return;
  try {
    if (stale && lstatSync(socketPath, { throwIfNoEntry: false })?.isSocket()) unlinkSync(socketPath);
    rmdirSync(dir);
  } catch {
    // Something else is in the directory: it stays.
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
