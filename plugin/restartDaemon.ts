import { setTimeout as sleep } from 'node:timers/promises';
import { sendControl } from '../src/protocol/sendControl.js';
import { EksTokenError } from '../src/shared/EksTokenError.js';
import type { PluginDeps } from './deps.js';
import { startDaemon } from './startCommand.js';

// A daemon stops within a second or two (it ends its credential children first); give it ten.
const STOP_WAIT_MS = 10_000;
const POLL_MS = 50;

/** `daemon restart`: stops the running daemon, waits until its process is gone, then starts one. */
export async function restartDaemon(
  socketPath: string,
  passOn: string[],
  deps: PluginDeps,
  print: (text: string) => void,
): Promise<number> {
  const outcome = await sendControl(socketPath, 'stop');
  if (outcome.ok) {
    const pid = outcome.reply.pid;
    // Until the old process is gone it may still remove "its" socket file: a new daemon's.
    for (let waited = 0; isAlive(pid); waited += POLL_MS) {
      if (waited >= STOP_WAIT_MS)
        throw new EksTokenError(
          'E_DAEMON',
          `the daemon (pid ${pid}) did not stop within ${STOP_WAIT_MS / 1000} s`,
          `kill ${pid}, then eks-token daemon start`,
        );
      await sleep(POLL_MS);
    }
    print(`eks-token: stopped the daemon (pid ${pid})`);
  } else if (outcome.reason !== 'absent' && outcome.reason !== 'refused') {
    throw new EksTokenError('E_DAEMON', `the daemon on ${socketPath} did not answer: ${outcome.detail}`);
  }
  return startDaemon(socketPath, passOn, deps, print);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
