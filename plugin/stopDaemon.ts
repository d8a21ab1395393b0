import { lstatSync, rmdirSync, unlinkSync } from 'node:fs';
import { sendControl } from '../src/protocol/sendControl.js';
import { socketDirOf, socketDirProblem } from '../src/protocol/socketDirProblem.js';
import { EksTokenError } from '../src/shared/EksTokenError.js';
import { nodeTimers, type Timers } from '../src/shared/Timers.js';

// A daemon stops within a second or two (it ends its credential children first); give it ten.
const STOP_WAIT_MS = 10_000;
const POLL_MS = 50;

/** The clock and timers of the wait for the old process; tests pass a fake clock's. */
export interface StopClock {
  now: () => number;
  timers: Timers;
}

const NODE_STOP_CLOCK: StopClock = { now: () => performance.now(), timers: nodeTimers };

/**
 * `daemon stop`: stops the running daemon and returns once its process is gone; then removes a
 * stale socket file and the socket directory when it is private and left empty. `daemon restart`
 * starts after it: a new daemon's socket is safe from the old process.
 */
export async function stopDaemon(
  socketPath: string,
  print: (text: string) => void,
  clock: StopClock = NODE_STOP_CLOCK,
): Promise<void> {
  const outcome = await sendControl(socketPath, 'stop');
  if (outcome.ok) {
    const pid = outcome.reply.pid;
    const giveUpAt = clock.now() + STOP_WAIT_MS;
    // Until the old process is gone it may still remove "its" socket file: a new daemon's.
    while (isAlive(pid)) {
      if (clock.now() >= giveUpAt)
        throw new EksTokenError(
          'E_DAEMON_STOP',
          `the daemon (pid ${pid}) did not stop within ${STOP_WAIT_MS / 1000} s`,
          `kill ${pid}`,
        );
      await new Promise((resolve) => clock.timers.setTimeout(() => resolve(undefined), POLL_MS));
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
