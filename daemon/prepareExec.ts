import { candidateGapNotes } from '../src/kubeconfig/BlueGreenExtension.js';
import { execAnswerLine } from '../src/protocol/parseAnswerLine.js';
import { isEksTokenError } from '../src/shared/EksTokenError.js';
import { type ExecInfo, formatTokenOutput, resolveExecInfo } from '../src/token/formatExecCredential.js';
import { parseTokenCommand, type TokenCommand } from '../src/token/parseTokenCommand.js';
import { splitCommandLine } from '../src/token/splitCommandLine.js';
import type { TokenRequest } from '../src/token/TokenRequest.js';
import type { ServedToken } from './ServedToken.js';
import { notForDaemon } from './UnservedCounts.js';

/** An `exec` request made ready: the token it asks for, and its answer line for a given token. */
export interface PreparedExec {
  request: TokenRequest;
  /** Answers for one token differ only by this (the credential's apiVersion, or a bare token). */
  renderKey: string;
  render: (token: ServedToken, cached: boolean) => string;
}

/**
 * Reads the plugin's command line as the plugin does, so a cache hit costs the plugin no parsing
 * and no formatting. Throws E_NOT_FOR_DAEMON for what the plugin must run itself: other commands,
 * --help, the daemon turned off, and every mistake (the plugin reports it, as always). --debug
 * changes nothing here: the plugin prints its debug lines from the answer's own fields.
 */
export function prepareExec(argv: string[], env: Record<string, string>): PreparedExec {
  const { command, args } = splitCommandLine(argv);
  if ((command !== 'token' && command !== 'get-token') || args.includes('--help') || args.includes('-h'))
    throw notForDaemon('not-a-plain-call', 'not a plain token call');
  let cmd: TokenCommand;
  let execInfo: ExecInfo;
  try {
    cmd = parseTokenCommand(args, env, command);
    execInfo = resolveExecInfo(env.KUBERNETES_EXEC_INFO);
  } catch (error) {
    throw notForDaemon(
      'plugin-reports-error',
      `the plugin reports ${isEksTokenError(error) ? error.code : 'an error'}`,
    );
  }
  if (cmd.daemon === 'off') throw notForDaemon('daemon-off', 'the daemon is off');
  const { tokenOnly } = cmd;
  const { apiVersion, clusterConfig } = execInfo;
  // The answer also depends on a blue/green entry's candidates: the line naming a cluster outside them.
  const form = tokenOnly ? 'token-only' : apiVersion;
  return {
    request: cmd.request,
    renderKey: clusterConfig === undefined ? form : `${form}\n${JSON.stringify(clusterConfig)}`,
    render: (token, cached) => {
      const { expiresAt, clusterName } = token;
      const notes = clusterConfig === undefined ? [] : candidateGapNotes(clusterConfig, clusterName);
      const { stdout, stderr } = formatTokenOutput(tokenOnly, apiVersion, token, notes);
      return execAnswerLine({ expiresAt, stdout, stderr, clusterName, cached });
    },
  };
}
