// The plugin's first move on every call: a plain token call with the daemon on is answered from the
// daemon here, with callbacks and before anything else is loaded. Everything else (other commands,
// --help, --debug, flags that do not parse, daemon misses) goes to the full CLI in main.ts.
import { type ExecInfo, formatExecCredential, resolveExecInfo } from '../src/formatExecCredential.js';
import { parseTokenCommand, type TokenCommand } from '../src/parseCommandLine.js';
import { type DaemonOutcome, requestFromDaemon } from './daemonClient.js';
import type { PluginDeps } from './deps.js';

/** Where a token is printed. */
export type TokenOutput = Pick<PluginDeps, 'stdout' | 'stderr'>;

/**
 * Prints the daemon's token and calls `answered` when it can (with the error if printing failed);
 * otherwise calls `next`, with the daemon's outcome when it was asked, so the full CLI does not ask
 * again.
 */
export function answerFromDaemon(
  argv: string[],
  env: Record<string, string | undefined>,
  now: () => number,
  out: TokenOutput,
  answered: (error?: unknown) => void,
  next: (outcome?: DaemonOutcome) => void,
): void {
  const call = plainDaemonCall(argv, env);
  if (!call) {
    next();
    return;
  }
  requestFromDaemon(call.cmd.request, env, now, (outcome) => {
    if (!outcome.ok) {
      next(outcome);
      return;
    }
    try {
      writeToken(call.cmd, call.execInfo, out, outcome.reply);
    } catch (error) {
      // Inside a socket callback nothing else would catch it (a closed stdout, say).
      answered(error);
      return;
    }
    answered();
  });
}

// A token call that asks the daemon, with flags and exec info that parse; else undefined, and the full
// CLI parses again and reports any mistake (with --debug's extras when asked).
function plainDaemonCall(
  argv: string[],
  env: Record<string, string | undefined>,
): { cmd: TokenCommand; execInfo: ExecInfo } | undefined {
  const command = argv[0];
  if (command !== 'token' && command !== 'get-token') return undefined;
  const args = argv.slice(1);
  if (args.includes('--help') || args.includes('-h')) return undefined;
  try {
    const cmd = parseTokenCommand(args, env, command);
    // --debug wants the daemon's details on stderr; the full CLI prints those.
    if (cmd.daemon === 'off' || cmd.debug) return undefined;
    return { cmd, execInfo: resolveExecInfo(env.KUBERNETES_EXEC_INFO) };
  } catch {
    return undefined;
  }
}

/** Prints a token as kubectl asked for it (credential or bare token), after a daemon answer's notes. */
export function writeToken(
  cmd: TokenCommand,
  execInfo: ExecInfo,
  out: TokenOutput,
  token: { token: string; expiresAt: number; warnings?: string[] },
): void {
  for (const warning of token.warnings ?? []) out.stderr.write(`${warning}\n`);
  out.stdout.write(
    cmd.tokenOnly
      ? `${token.token}\n`
      : formatExecCredential(execInfo.apiVersion, token.token, token.expiresAt),
  );
}
