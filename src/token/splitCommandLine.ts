import { EksTokenError } from '../shared/EksTokenError.js';
import { parseTokenCommand, TOKEN_OPTIONS, type TokenCommand } from './parseTokenCommand.js';

/** A command line taken apart: the command word, and every other argument in their order. */
export interface SplitCommandLine {
  /** `token`, `get-token`, another command word, or undefined when there is none. */
  command: string | undefined;
  args: string[];
}

// The operations of `aws eks` that eks-token implements under the same name.
const EKS_OPERATIONS = new Set(['get-token', 'update-kubeconfig']);

/**
 * Finds the command as the AWS CLI does: known options may come before it (`--region R eks
 * get-token ...`), and `eks get-token` is `get-token`. The options before the command are kept,
 * ahead of the rest, so that a later repeat wins as it does after the command. Characters and a
 * Set only: the plugin's hot path runs this.
 */
export function splitCommandLine(argv: string[]): SplitCommandLine {
  let i = 0;
  while (i < argv.length) {
    const arg = argv[i] as string;
    if (arg.length < 2 || arg[0] !== '-') break;
    const name = tokenOptionName(arg);
    const option = name === undefined ? undefined : TOKEN_OPTIONS[name as keyof typeof TOKEN_OPTIONS];
    if (!option) break;
    // `--name=value` and boolean flags are one word; a string option takes the next one.
    i += option.type === 'string' && !arg.includes('=') ? 2 : 1;
  }
  if (i > argv.length) return { command: undefined, args: argv };
  let command = argv[i];
  let rest = i + 1;
  if (command === 'eks' && EKS_OPERATIONS.has(argv[i + 1] ?? '')) {
    command = argv[i + 1];
    rest = i + 2;
  }
  return { command, args: i === 0 ? argv.slice(rest) : [...argv.slice(0, i), ...argv.slice(rest)] };
}

/**
 * Parses a whole token command line as eks-token runs it, in any form it accepts:
 * `token ...` (aws-iam-authenticator), `get-token ...`, and the AWS CLI's `[globals] eks get-token
 * ...` (the `args:` of a kubeconfig user written by `aws eks update-kubeconfig`).
 */
export function parseTokenArgv(argv: string[], env: Record<string, string | undefined>): TokenCommand {
  const { command, args } = splitCommandLine(argv);
  if (command !== 'token' && command !== 'get-token') {
    throw new EksTokenError(
      'E_USAGE',
      `${command === undefined ? 'no command' : `"${command}" is not a token command`}`,
      'use token -i CLUSTER, get-token --cluster-name CLUSTER or eks get-token --cluster-name CLUSTER',
    );
  }
  return parseTokenCommand(args, env, command);
}

/** The TOKEN_OPTIONS name of a flag word (`-i`, `--role`, `--region=x`), or undefined for any other word. */
export function tokenOptionName(arg: string): string | undefined {
  if (arg.length < 2 || arg[0] !== '-') return undefined;
  if (arg[1] !== '-') {
    if (arg.length !== 2) return undefined;
    for (const name in TOKEN_OPTIONS) {
      if ((TOKEN_OPTIONS[name as keyof typeof TOKEN_OPTIONS] as { short?: string }).short === arg[1])
        return name;
    }
    return undefined;
  }
  const eq = arg.indexOf('=');
  const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
  return Object.hasOwn(TOKEN_OPTIONS, name) ? name : undefined;
}
