import { basename } from 'node:path';

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

type Flag = { takesValue: boolean; to?: keyof EksTokenIdentity | 'extra'; extra?: string };

// aws CLI: flags that decide the token, and global options that cannot change it.
const AWS_FLAGS: Record<string, Flag> = {
  '--cluster-name': { takesValue: true, to: 'clusterId' },
  // Outposts clusters sign their id, which aws eks update-kubeconfig passes this way.
  '--cluster-id': { takesValue: true, to: 'clusterId' },
  '--role-arn': { takesValue: true, to: 'roleArn' },
  // aws eks update-kubeconfig writes the abbreviation argparse accepts.
  '--role': { takesValue: true, to: 'roleArn' },
  '--region': { takesValue: true, to: 'region' },
  '--profile': { takesValue: true, to: 'profile' },
  '--output': { takesValue: true },
  '--color': { takesValue: true },
  '--cli-read-timeout': { takesValue: true },
  '--cli-connect-timeout': { takesValue: true },
  '--debug': { takesValue: false },
  '--no-cli-pager': { takesValue: false },
  '--no-paginate': { takesValue: false },
};

const AUTHENTICATOR_FLAGS: Record<string, Flag> = {
  '--cluster-id': { takesValue: true, to: 'clusterId' },
  '-i': { takesValue: true, to: 'clusterId' },
  '--role': { takesValue: true, to: 'roleArn' },
  '-r': { takesValue: true, to: 'roleArn' },
  '--region': { takesValue: true, to: 'region' },
  '--external-id': { takesValue: true, to: 'extra', extra: '--external-id' },
  '-e': { takesValue: true, to: 'extra', extra: '--external-id' },
  '--session-name': { takesValue: true, to: 'extra', extra: '--session-name' },
  '-s': { takesValue: true, to: 'extra', extra: '--session-name' },
  '--forward-session-name': { takesValue: false, to: 'extra', extra: '--forward-session-name' },
  // A file cache of credentials: eks-token needs none, so it changes nothing about the token.
  '--cache': { takesValue: false },
};

/**
 * Reads a stored exec call of `aws [..] eks get-token ..` or `aws-iam-authenticator token ..` into
 * the identity eks-token must sign as. Conservative: any flag it does not know makes it refuse.
 */
export function translateAwsExec(exec: StoredExec): Translation {
  const tool = basename(exec.command);
  const env = new Map(exec.env.map((e) => [e.name, e.value]));
  if (tool === 'aws') {
    if (!isSubsequence(['eks', 'get-token'], exec.args)) return undefined;
    const parsed = readArgs(exec.args, AWS_FLAGS, ['eks', 'get-token']);
    if (typeof parsed === 'string') return parsed;
    if (parsed.positionals.join(' ') !== 'eks get-token') return undefined;
    // botocore reads AWS_DEFAULT_PROFILE before AWS_PROFILE; write the one it would use.
    const profile = parsed.identity.profile ?? env.get('AWS_DEFAULT_PROFILE') ?? env.get('AWS_PROFILE');
    return finish({ ...parsed.identity, ...(profile ? { profile } : {}) }, 'aws', '--cluster-name');
  }
  if (tool === 'aws-iam-authenticator') {
    if (!exec.args.includes('token')) return undefined;
    const parsed = readArgs(exec.args, AUTHENTICATOR_FLAGS, ['token']);
    if (typeof parsed === 'string') return parsed;
    if (parsed.positionals.join(' ') !== 'token') return undefined;
    const clusterId = parsed.identity.clusterId ?? env.get('KUBERNETES_AWS_AUTHENTICATOR_CLUSTER_ID');
    const profile = env.get('AWS_PROFILE');
    return finish(
      { ...parsed.identity, ...(clusterId ? { clusterId } : {}), ...(profile ? { profile } : {}) },
      'aws-iam-authenticator',
      '-i',
    );
  }
  return undefined;
}

// Only a call that names the token command is judged at all; `aws sts ...` is simply not ours.
function isSubsequence(words: string[], args: string[]): boolean {
  const first = args.indexOf(words[0] ?? '');
  return first >= 0 && args.indexOf(words[1] ?? '', first + 1) > first;
}

function finish(
  identity: Partial<EksTokenIdentity>,
  tool: EksTokenIdentity['tool'],
  clusterFlag: string,
): Translation {
  if (!identity.clusterId) return `no ${clusterFlag} in its args`;
  return { extraArgs: [], ...identity, tool, clusterId: identity.clusterId };
}

function readArgs(
  args: string[],
  flags: Record<string, Flag>,
  expected: string[],
): { identity: Partial<EksTokenIdentity>; positionals: string[] } | string {
  const identity: Partial<EksTokenIdentity> & { extraArgs: string[] } = { extraArgs: [] };
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (!arg.startsWith('-')) {
      // Another subcommand (aws sts ..., aws-iam-authenticator verify) is not a token call at all.
      if (arg !== expected[positionals.length]) return { identity, positionals: [...positionals, arg] };
      positionals.push(arg);
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq < 0 ? arg : arg.slice(0, eq);
    const flag = flags[name];
    if (!flag) return `it passes ${name}, which eks-token does not translate`;
    let value: string | undefined;
    if (flag.takesValue) {
      value = eq < 0 ? args[++i] : arg.slice(eq + 1);
      if (value === undefined || value === '') return `${name} has no value`;
    } else if (eq >= 0) {
      return `it passes ${arg}, which eks-token does not translate`;
    }
    if (flag.to === 'extra' && flag.extra) identity.extraArgs.push(flag.extra, ...(value ? [value] : []));
    else if (flag.to && flag.to !== 'extra' && value) Object.assign(identity, { [flag.to]: value });
  }
  return { identity, positionals };
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
