import type { Readable } from 'node:stream';
import { ensureSocketDir } from '../src/protocol/ensureSocketDir.js';
import { sendControl } from '../src/protocol/sendControl.js';
import { EksTokenError } from '../src/shared/EksTokenError.js';
import { inertText } from '../src/shared/quoteValue.js';
import type { PluginDeps } from './PluginDeps.js';
import { requireSelfPath, spawnDaemon } from './spawnDaemon.js';

/** `daemon start`: starts `daemon run` detached and returns once it answers (0 if one already runs). */
export async function startDaemon(
  socketPath: string,
  passOn: string[],
  deps: PluginDeps,
  print: (text: string) => void,
): Promise<number> {
  const running = await sendControl(socketPath, 'ping');
  if (!running.ok && running.reason === 'unsafe')
    throw new EksTokenError(
      'E_SOCKET_DIR',
      `the daemon socket is not safe to use: ${inertText(running.detail)}`,
    );
  if (running.ok) {
    print(`eks-token: a daemon is already running on ${socketPath} (pid ${Number(running.reply.pid)})`);
    return 0;
  }
  // Refuse a bad directory here, in the foreground, where the message is seen.
  ensureSocketDir(socketPath);
  const child = spawnDaemon(
    requireSelfPath(deps),
    deps.env,
    ['--ready-fd=3', ...passOn],
    ['ignore', 'ignore', 'ignore', 'pipe'],
  );
  const line = await readLine(child.stdio[3] as Readable, 15_000);
  const [word, ...restWords] = line.split(' ');
  const detail = restWords.join(' ');
  if (word === 'ready') print(`eks-token: daemon started on ${socketPath} (pid ${detail})`);
  else if (word === 'running')
    print(`eks-token: a daemon is already running on ${socketPath} (pid ${detail})`);
  else if (word === 'error')
    throw new EksTokenError(
      'E_DAEMON_START',
      `the daemon did not start: ${inertText(detail.replace(/^eks-token: /, ''))}`,
    );
  else
    throw new EksTokenError(
      'E_DAEMON_START',
      'the daemon did not start within 15 s',
      'run eks-token daemon run to see why',
    );
  return 0;
}

// Reads the one readiness line, then lets go of the pipe so the daemon outlives us.
function readLine(stream: Readable, timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const finish = () => {
      clearTimeout(timer);
      stream.destroy();
      resolve(text.split('\n')[0] ?? '');
    };
    const timer = setTimeout(finish, timeoutMs);
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('\n')) finish();
    });
    stream.on('end', finish);
    stream.on('error', finish);
  });
}
