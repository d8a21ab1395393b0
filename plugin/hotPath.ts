// The plugin's first move on every call: a plain token call with the daemon on is answered from the
// daemon here, with callbacks and before anything else is loaded. Everything else (other commands,
// --help, --debug, flags that do not parse, daemon misses) goes to the full CLI in main.ts.
import type { TokenReply } from '../daemon/protocol.js';
import { type ExecInfo, formatExecCredential, resolveExecInfo } from '../src/formatExecCredential.js';
import { parseTokenCommand, type TokenCommand } from '../src/parseCommandLine.js';
import { type DaemonOutcome, requestFromDaemon } from './daemonClient.js';
import type { TextSink } from './deps.js';

/** Where a daemon's answer is printed. */
export interface TokenOutput {
  stdout: TextSink;
  stderr: TextSink;
}

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
      writeDaemonToken(outcome.reply, call.cmd, call.execInfo, out);
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

/** Prints a daemon's answer as the in-process plugin would: its warnings, then the credential. */
export function writeDaemonToken(
  reply: TokenReply,
  cmd: TokenCommand,
  execInfo: ExecInfo,
  out: TokenOutput,
): void {
  for (const warning of reply.warnings) out.stderr.write(`${warning}\n`);
  out.stdout.write(
    cmd.tokenOnly
      ? `${reply.token}\n`
      : formatExecCredential(execInfo.apiVersion, reply.token, reply.expiresAt),
  );
}
