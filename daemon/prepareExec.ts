import { EksTokenError } from '../src/EksTokenError.js';
import { formatTokenOutput, resolveExecInfo } from '../src/formatExecCredential.js';
import { parseTokenCommand, type TokenRequest } from '../src/parseCommandLine.js';
import { PROTOCOL_VERSION, type TokenReply } from './protocol.js';

/** An `exec` request made ready: the token it asks for, and its answer line for a given token. */
export interface PreparedExec {
  request: TokenRequest;
  /** Answers for one token differ only by this (the credential's apiVersion, or a bare token). */
  renderKey: string;
  render: (reply: TokenReply) => string;
}

/**
 * Reads the plugin's command line as the plugin does, so a cache hit costs the plugin no parsing
 * and no formatting. Throws E_NOT_FOR_DAEMON for what the plugin must run itself: other commands,
 * --help, --debug, the daemon turned off, and every mistake (the plugin reports it, as always).
 */
export function prepareExec(argv: string[], env: Record<string, string>): PreparedExec {
  const [command, ...args] = argv;
  if ((command !== 'token' && command !== 'get-token') || args.includes('--help') || args.includes('-h'))
    throw notForDaemon('not a plain token call');
  try {
    const cmd = parseTokenCommand(args, env, command);
    if (cmd.daemon === 'off' || cmd.debug) throw notForDaemon('the daemon is off, or --debug');
    const { apiVersion } = resolveExecInfo(env.KUBERNETES_EXEC_INFO);
    return {
      request: cmd.request,
      renderKey: cmd.tokenOnly ? 'token-only' : apiVersion,
      render: (reply) => {
        const { stdout, stderr } = formatTokenOutput(cmd.tokenOnly, apiVersion, reply);
        const answer = { v: PROTOCOL_VERSION, ok: true, expiresAt: reply.expiresAt, stdout, stderr };
        return `${JSON.stringify(answer)}\n`;
      },
    };
  } catch (error) {
    throw error instanceof EksTokenError && error.code === 'E_NOT_FOR_DAEMON'
      ? error
      : notForDaemon(`the plugin reports ${error instanceof EksTokenError ? error.code : 'an error'}`);
  }
}

function notForDaemon(why: string): EksTokenError {
  return new EksTokenError('E_NOT_FOR_DAEMON', `for the plugin to run itself: ${why}`);
}
