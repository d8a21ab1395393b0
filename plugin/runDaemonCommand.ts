import { dirname, join } from 'node:path';
import { resolveSocketPath } from '../src/protocol/resolveSocketPath.js';
import { sendControl } from '../src/protocol/sendControl.js';
import { EksTokenError } from '../src/shared/EksTokenError.js';
import { plural } from '../src/shared/plural.js';
import { inertText } from '../src/shared/quoteValue.js';
import { parseFlags } from '../src/token/parseTokenCommand.js';
import { formatStatus } from './formatStatus.js';
import type { PluginDeps } from './PluginDeps.js';
import { requireSelfPath } from './spawnDaemon.js';
import { startDaemon } from './startDaemon.js';

const HELP = `Usage: eks-token daemon run|start|stop|restart|status|flush [flags]

The local token service: one per user, on a Unix socket, caching tokens and credentials in memory.
Plugins use it with --daemon on|auto or EKS_TOKEN_DAEMON=on|auto.

  run     run in the foreground (systemd, launchd); SIGTERM or SIGINT stops it
  start   start it in the background; returns once it answers (exit 0 if one already runs)
  stop    stop the running daemon; returns once it has exited
  restart stop the running daemon, if any, then start one (after an upgrade, or to change its flags)
  status  pid, uptime, counters and cached tokens (never a token); --json for the same as JSON
  flush   forget every cached token and credential

Flags (run, start, restart):
  --idle-timeout DURATION  exit after this long without a token request: 90s, 30m, 2h, 0 = never (default 30m)
  --max-entries N          cache at most N tokens (default 512)

Socket: EKS_TOKEN_SOCKET, else $XDG_RUNTIME_DIR/eks-token/daemon.sock, else /tmp/eks-token-<uid>/daemon.sock.`;

const RUN_OPTIONS = {
  'idle-timeout': { type: 'string' },
  'max-entries': { type: 'string' },
  'ready-fd': { type: 'string' },
} as const;

/** `eks-token daemon ...`: returns the exit code; errors are EksTokenErrors for run()'s one-line report. */
export async function runDaemonCommand(args: string[], deps: PluginDeps): Promise<number> {
  const [sub, ...rest] = args;
  const print = (text: string) => deps.stdout.write(`${text}\n`);
  if (
    sub === undefined ||
    sub === '--help' ||
    sub === '-h' ||
    rest.includes('--help') ||
    rest.includes('-h')
  ) {
    print(HELP);
    return 0;
  }
  const socketPath = resolveSocketPath(deps.env);
  switch (sub) {
    case 'run': {
      const { values } = parseFlags(rest, RUN_OPTIONS, 'daemon run');
      // Loaded only here: the token machinery (AWS SDK) is not needed to start, stop or ask a daemon.
      const { runDaemon } = await import('../daemon/runDaemon.js');
      return runDaemon({
        env: deps.env,
        credentialChild: join(dirname(requireSelfPath(deps)), 'credentialChild.cjs'),
        idleTimeoutMs: parseDuration(values['idle-timeout'] ?? '30m'),
        maxEntries: parseCount(values['max-entries'] ?? '512'),
        ...(values['ready-fd'] ? { readyFd: parseCount(values['ready-fd']) } : {}),
        log: (line) => deps.stderr.write(`${line}\n`),
        now: deps.now,
      });
    }
    case 'start':
    case 'restart': {
      const { values } = parseFlags(rest, RUN_OPTIONS, `daemon ${sub}`);
      const passOn = [];
      if (values['idle-timeout'])
        passOn.push(`--idle-timeout=${parseDuration(values['idle-timeout']) / 1000}`);
      if (values['max-entries']) passOn.push(`--max-entries=${parseCount(values['max-entries'])}`);
      if (sub === 'restart') await (await import('./stopDaemon.js')).stopDaemon(socketPath, print);
      return startDaemon(socketPath, passOn, deps, print);
    }
    case 'stop': {
      parseFlags(rest, {}, 'daemon stop');
      await (await import('./stopDaemon.js')).stopDaemon(socketPath, print);
      return 0;
    }
    case 'status':
    case 'flush': {
      const { values } = parseFlags(
        rest,
        sub === 'status' ? { json: { type: 'boolean' } } : {},
        `daemon ${sub}`,
      );
      const outcome = await sendControl(socketPath, sub);
      if (!outcome.ok && (outcome.reason === 'absent' || outcome.reason === 'refused')) {
        throw new EksTokenError(
          'E_DAEMON_NOT_RUNNING',
          `no daemon is running on ${socketPath}`,
          'start one: eks-token daemon start',
        );
      }
      if (!outcome.ok && outcome.reason === 'unsafe')
        throw new EksTokenError(
          'E_SOCKET_DIR',
          `the daemon socket is not safe to use: ${inertText(outcome.detail)}`,
          'see eks-token doctor; remove the directory or set EKS_TOKEN_SOCKET',
        );
      if (!outcome.ok)
        throw new EksTokenError(
          'E_DAEMON_UNRESPONSIVE',
          `the daemon on ${socketPath} did not answer: ${inertText(outcome.detail)}`,
        );
      const { reply } = outcome;
      // What a daemon (or whatever listens there) says is never printed raw: no terminal escapes.
      if ('flushed' in reply) print(`eks-token: flushed ${plural(reply.flushed, 'cached token')}`);
      else if ((values as { json?: boolean }).json) print(inertText(JSON.stringify(reply.status, null, 2)));
      else print(inertText(formatStatus(reply.status)));
      return 0;
    }
    default:
      throw new EksTokenError('E_USAGE', `unknown daemon command "${sub}"`, 'run eks-token daemon --help');
  }
}

/** Parses 90s, 30m, 2h or a number of seconds into ms. */
export function parseDuration(text: string): number {
  const match = /^(\d{1,9})(s|m|h)?$/.exec(text.trim());
  if (!match)
    throw new EksTokenError(
      'E_USAGE',
      `--idle-timeout ${text} is not a duration`,
      'use e.g. 90s, 30m, 2h or 0',
    );
  return Number(match[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 's' | 'm' | 'h'];
}

function parseCount(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000)
    throw new EksTokenError('E_USAGE', `${text} is not a count from 1 to 1000000`);
  return n;
}
