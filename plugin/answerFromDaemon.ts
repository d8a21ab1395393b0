// The plugin's first move on every call: a plain token call with the daemon on is answered from the
// daemon here, with callbacks and before anything else is loaded. The daemon parses the command line
// and formats the answer itself (the `exec` request), so a cache hit costs the plugin a flag scan, one
// exchange and two writes. Everything else (other commands, --help, --debug, flags that do not scan,
// daemon misses) goes to the full CLI in main.ts.

import type { DaemonMiss } from '../src/protocol/DaemonExchange.js';
import { execRequestLine } from '../src/protocol/DaemonRequest.js';
import { dropHandedOverSocket, type HandedOverSocket } from '../src/protocol/HandedOverSocket.js';
import { type ExecReply, parseExecReply } from '../src/protocol/parseAnswerLine.js';
import { exchangeWithDaemon, requestFromDaemon } from '../src/protocol/requestFromDaemon.js';
import { resolveSocketPath } from '../src/protocol/resolveSocketPath.js';
import { scanSimpleFlags, TOKEN_OPTIONS } from '../src/token/parseTokenCommand.js';
import { splitCommandLine } from '../src/token/splitCommandLine.js';
import type { PluginDeps } from './PluginDeps.js';

/**
 * Prints the daemon's answer and calls `answered` when it can (with the error if printing failed);
 * otherwise calls `next`, with why the daemon did not answer when it was asked, so the full CLI
 * does not ask again. `handed`: the native client's connection, with this call's request sent.
 */
export function answerFromDaemon(
  argv: string[],
  env: Record<string, string | undefined>,
  now: () => number,
  out: Pick<PluginDeps, 'stdout' | 'stderr' | 'cwd'>,
  answered: (error?: unknown) => void,
  next: (miss?: DaemonMiss) => void,
  handed?: HandedOverSocket,
): void {
  if (!isPlainDaemonCall(argv, env)) {
    dropHandedOverSocket(handed);
    next();
    return;
  }
  const exchange = { line: execRequestLine(argv, env, out.cwd()), parse: parseExecReply };
  const settle: Parameters<typeof requestFromDaemon<ExecReply>>[3] = (outcome) => {
    if (!outcome.ok) {
      // Every miss goes to the full CLI, which does not ask again: a call left to the plugin
      // (E_NOT_FOR_DAEMON: a mistake it reports, say) or one a daemon without `exec` refused
      // (E_UNKNOWN_OP: no other form is left to ask in) is made in-process, as is any other failure.
      next(outcome);
      return;
    }
    try {
      if (outcome.reply.stderr) out.stderr.write(outcome.reply.stderr);
      out.stdout.write(outcome.reply.stdout);
    } catch (error) {
      // Inside a socket callback nothing else would catch it (a closed stdout, say).
      answered(error);
      return;
    }
    answered();
  };
  if (handed) exchangeWithDaemon(resolveSocketPath(env), exchange, now, settle, undefined, handed);
  else requestFromDaemon(exchange, env, now, settle);
}

// A token call that asks the daemon, decided from flags read as parseArgs reads them. Anything the
// scan leaves alone goes to the full CLI, which parses again and reports any mistake; --debug wants
// its own lines on stderr, which the full CLI prints (asking the daemon with the same request).
function isPlainDaemonCall(argv: string[], env: Record<string, string | undefined>): boolean {
  const { command, args } = splitCommandLine(argv);
  if (command !== 'token' && command !== 'get-token') return false;
  const values = scanSimpleFlags(args, TOKEN_OPTIONS);
  if (!values || values.help || values.debug) return false;
  const mode = values.daemon ?? env.EKS_TOKEN_DAEMON;
  return mode === 'on' || mode === 'auto';
}
