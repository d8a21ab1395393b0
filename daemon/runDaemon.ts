import { closeSync, unlinkSync, writeSync } from 'node:fs';
import { ensureSocketDir } from '../src/protocol/ensureSocketDir.js';
import { resolveSocketPath } from '../src/protocol/resolveSocketPath.js';
import { probeSocket } from '../src/protocol/sendControl.js';
import { EksTokenError, formatErrorLine } from '../src/shared/EksTokenError.js';
import { VERSION } from '../src/shared/version.js';
import type { TokenDaemon } from './TokenDaemon.js';
import { withStartLock } from './withStartLock.js';

/** How `daemon run` was asked to run. */
export interface RunOptions {
  env: Record<string, string | undefined>;
  /** The credential child's script (credentialChild.cjs beside the CLI bundle). */
  credentialChild: string;
  idleTimeoutMs: number;
  maxEntries: number;
  /** `daemon start` reads one line here: "ready <pid>", "running <pid>" or "error <message>". */
  readyFd?: number;
  log: (line: string) => void;
  now: () => number;
}

/** Runs the daemon in the foreground until a signal, `daemon stop` or the idle timeout; returns 0. */
export async function runDaemon(options: RunOptions): Promise<number> {
  const { env, log } = options;
  const notify = (line: string) => {
    if (options.readyFd === undefined) return;
    try {
      writeSync(options.readyFd, `${line}\n`);
      closeSync(options.readyFd);
    } catch {}
    options.readyFd = undefined;
  };
  const alreadyRunning = (pid: number) => {
    notify(`running ${pid}`);
    log(`eks-token: a daemon is already running on ${socketPath} (pid ${pid})`);
    return 0;
  };
  const socketPath = resolveSocketPath(env);
  const systemd = env.LISTEN_FDS === '1' && env.LISTEN_PID === String(process.pid);
  const early = systemd ? undefined : await probeSocket(socketPath);
  if (early?.state === 'live') return alreadyRunning(early.pid);
  // Loaded after that first look: when many `--daemon auto` plugins race to start one, the losers
  // leave without loading the AWS SDK.
  const { TokenService } = await import('./TokenService.js');
  const { TokenDaemon } = await import('./TokenDaemon.js');
  const service = new TokenService({
    credentialChild: options.credentialChild,
    now: options.now,
    maxEntries: options.maxEntries,
  });
  const daemon = new TokenDaemon({
    service,
    socketPath,
    version: VERSION,
    idleTimeoutMs: options.idleTimeoutMs,
    now: options.now,
  });
  try {
    // systemd socket activation hands the listening socket over as fd 3.
    if (systemd) await daemon.listen({ fd: 3 });
    else {
      ensureSocketDir(socketPath);
      const running = await withStartLock(`${socketPath}.lock`, () => claimSocket(socketPath, daemon));
      if (running !== undefined) {
        daemon.stop('another daemon is running');
        return alreadyRunning(running);
      }
    }
  } catch (error) {
    daemon.stop('start failed');
    notify(`error ${formatErrorLine(error)}`);
    throw error;
  }
  const onSignal = (signal: NodeJS.Signals) => daemon.stop(`received ${signal}`);
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, onSignal);
  notify(`ready ${process.pid}`);
  log(`eks-token: daemon ${VERSION} listening on ${socketPath} (pid ${process.pid})`);
  const reason = await daemon.done;
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.off(signal, onSignal);
  log(`eks-token: daemon stopped: ${reason}`);
  return 0;
}

/** Listens on the path unless a live daemon holds it (then returns its pid); replaces a stale socket. */
async function claimSocket(socketPath: string, daemon: TokenDaemon): Promise<number | undefined> {
  const probe = await probeSocket(socketPath);
  if (probe.state === 'live') return probe.pid;
  if (probe.state === 'not-socket') {
    throw new EksTokenError(
      'E_SOCKET_DIR',
      `${socketPath} exists and is not a socket`,
      'remove it, or set EKS_TOKEN_SOCKET to another path',
    );
  }
  if (probe.state === 'unresponsive') {
    throw new EksTokenError(
      'E_DAEMON_UNRESPONSIVE',
      `a process holds the daemon socket ${socketPath} but does not answer (${probe.detail})`,
      'stop that process (eks-token daemon status shows nothing), or remove the socket',
    );
  }
  // Connection refused: the daemon that made this socket is gone.
  if (probe.state === 'stale') unlinkSync(socketPath);
  await daemon.listen({ path: socketPath });
  return undefined;
}
