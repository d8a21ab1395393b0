import { basename } from 'node:path';
import { EksTokenError } from '../shared/EksTokenError.js';
import { TOKEN_OPTIONS } from '../token/parseTokenCommand.js';
import { parseTokenArgv, tokenOptionName } from '../token/splitCommandLine.js';
import type { TokenRequest } from '../token/TokenRequest.js';

/** The exec section's command, args and env as a kubeconfig user holds them. */
export interface StoredExec {
  command: string;
  args: string[];
  env: Array<{ name: string; value: string }>;
}

/** What an `aws eks get-token` or `aws-iam-authenticator token` call signs as, in eks-token's terms. */
export interface EksTokenIdentity {
  tool: 'aws' | 'aws-iam-authenticator';
  clusterId: string;
  region?: string;
  roleArn?: string;
  profile?: string;
  /** Further eks-token token flags with the same meaning (-e, -s, --forward-session-name). */
  extraArgs: string[];
}

/** undefined: not an AWS token call; a string: one that cannot be translated safely, and why. */
export type Translation = EksTokenIdentity | string | undefined;

type Tool = EksTokenIdentity['tool'];

// Which token flags each tool's stored call may carry for eks-token to take it over; what each flag
// means is TOKEN_OPTIONS and parseTokenArgv's alone. Anything else (--endpoint-url, eks-token's own
// flags) makes translateAwsExec refuse. --role is the abbreviation aws eks update-kubeconfig
// writes, --cluster-id the Outposts cluster id it passes.
const TRANSLATED: Record<Tool, ReadonlySet<string>> = {
  aws: new Set([
    'cluster-name',
    'cluster-id',
    'role-arn',
    'role',
    'region',
    'profile',
    'output',
    'color',
    'cli-read-timeout',
    'cli-connect-timeout',
    'debug',
    'no-cli-pager',
    'no-paginate',
  ]),
  'aws-iam-authenticator': new Set([
    'cluster-id',
    'role',
    'region',
    'external-id',
    'session-name',
    'forward-session-name',
    'cache',
  ]),
};

// The command words of each tool's token call, and the command eks-token reads its flags as.
const COMMAND: Record<Tool, { words: string[]; as: 'get-token' | 'token'; clusterFlag: string }> = {
  aws: { words: ['eks', 'get-token'], as: 'get-token', clusterFlag: '--cluster-name' },
  'aws-iam-authenticator': { words: ['token'], as: 'token', clusterFlag: '-i' },
};

/**
 * Reads a stored exec call of `aws [..] eks get-token ..` or `aws-iam-authenticator token ..` into
 * the identity eks-token must sign as. Conservative: any flag it does not translate makes it refuse.
 */
export function translateAwsExec(exec: StoredExec): Translation {
  const name = basename(exec.command);
  if (name !== 'aws' && name !== 'aws-iam-authenticator') return undefined;
  const tool: Tool = name;
  const { words, as, clusterFlag } = COMMAND[tool];
  if (!isSubsequence(words, exec.args)) return undefined;
  const flags = readFlags(exec.args, tool);
  if (typeof flags === 'string') return flags;
  if (flags.positionals.join(' ') !== words.join(' ')) return undefined;
  const env = new Map(exec.env.map((e) => [e.name, e.value]));
  let request: TokenRequest;
  try {
    const clusterVar = tool === 'aws' ? undefined : env.get('KUBERNETES_AWS_AUTHENTICATOR_CLUSTER_ID');
    ({ request } = parseTokenArgv([as, ...flags.args], {
      KUBERNETES_AWS_AUTHENTICATOR_CLUSTER_ID: clusterVar,
    }));
  } catch (error) {
    if (!(error instanceof EksTokenError)) throw error;
    return error.code === 'E_NO_CLUSTER_ID' ? `no ${clusterFlag} in its args` : error.message;
  }
  // botocore reads AWS_DEFAULT_PROFILE before AWS_PROFILE; the authenticator's Go SDK only AWS_PROFILE.
  const profile =
    tool === 'aws'
      ? (request.profile ?? env.get('AWS_DEFAULT_PROFILE') ?? env.get('AWS_PROFILE'))
      : env.get('AWS_PROFILE');
  const extraArgs: string[] = [];
  // aws eks get-token names its role session EKSGetTokenAuth (parseTokenArgv's get-token sets it):
  // written out, so the `token` form signs as the same assumed-role session.
  if (request.sessionName) extraArgs.push('--session-name', request.sessionName);
  if (tool === 'aws-iam-authenticator') {
    if (request.externalId) extraArgs.unshift('--external-id', request.externalId);
    if (request.forwardSessionName) extraArgs.push('--forward-session-name');
  }
  return {
    tool,
    clusterId: request.clusterId,
    ...(request.region ? { region: request.region } : {}),
    ...(request.roleArn ? { roleArn: request.roleArn } : {}),
    ...(profile ? { profile } : {}),
    extraArgs,
  };
}

// Only a call that names the token command is judged at all; `aws sts ...` is simply not ours.
function isSubsequence(words: string[], args: string[]): boolean {
  let from = 0;
  for (const word of words) {
    const at = args.indexOf(word, from);
    if (at < 0) return false;
    from = at + 1;
  }
  return true;
}

/**
 * Splits the stored args into the command words and the flags, each flag rewritten `--name=value`
 * so that parseTokenArgv reads it unambiguously; a string is the reason to refuse.
 */
function readFlags(args: string[], tool: Tool): { positionals: string[]; args: string[] } | string {
  const expected = COMMAND[tool].words;
  const positionals: string[] = [];
  const flags: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (!arg.startsWith('-')) {
      positionals.push(arg);
      // Another subcommand (aws sts ..., aws-iam-authenticator verify) is not a token call at all.
      if (arg !== expected[positionals.length - 1]) return { positionals, args: flags };
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const shown = eq < 0 ? arg : arg.slice(0, eq);
    const name = tokenOptionName(arg);
    // The aws CLI has no short forms of these flags; -i, -r and the like are the authenticator's.
    if (name === undefined || !TRANSLATED[tool].has(name) || (tool === 'aws' && !arg.startsWith('--'))) {
      return `it passes ${shown}, which eks-token does not translate`;
    }
    const option = TOKEN_OPTIONS[name as keyof typeof TOKEN_OPTIONS];
    if (option.type === 'boolean') {
      if (eq >= 0) return `it passes ${arg}, which eks-token does not translate`;
      flags.push(`--${name}`);
      continue;
    }
    const value = eq < 0 ? args[++i] : arg.slice(eq + 1);
    if (value === undefined || value === '') return `${shown} has no value`;
    flags.push(`--${name}=${value}`);
  }
  return { positionals, args: flags };
}

/** The eks-token exec args and env for an identity: flags from `tokenArgs`, the profile as AWS_PROFILE. */
export function eksTokenExec(
  identity: EksTokenIdentity,
  env: StoredExec['env'],
  tokenArgs: string[],
): Pick<StoredExec, 'args' | 'env'> {
  const rest = env.filter((e) => e.name !== 'AWS_PROFILE');
  const profile = identity.profile ? [{ name: 'AWS_PROFILE', value: identity.profile }] : [];
  // Keep AWS_PROFILE where it stood, so an entry that already had it stays as it was.
  const at = env.findIndex((e) => e.name === 'AWS_PROFILE');
  const merged = at < 0 ? [...rest, ...profile] : [...rest.slice(0, at), ...profile, ...rest.slice(at)];
  return { args: [...tokenArgs, ...identity.extraArgs], env: merged };
}
