import { type ParseArgsConfig, parseArgs } from 'node:util';
import { EksTokenError } from './EksTokenError.js';

/** Everything that decides which token is minted; the daemon keys its cache on this too. */
export interface TokenRequest {
  /** Cluster name, or a DNS name whose TXT record names the live cluster. */
  clusterId: string;
  roleArn?: string;
  externalId?: string;
  sessionName?: string;
  forwardSessionName?: boolean;
  region?: string;
  profile?: string;
  txtFallback?: 'literal';
  dnsServers?: string[];
}

/** How the plugin should use the local token service. */
export type DaemonMode = 'off' | 'on' | 'auto';

/** A parsed `token` / `get-token` invocation. */
export interface TokenCommand {
  command: 'token';
  request: TokenRequest;
  tokenOnly: boolean;
  debug: boolean;
  daemon: DaemonMode;
}

const TOKEN_OPTIONS = {
  'cluster-id': { type: 'string', short: 'i' },
  'cluster-name': { type: 'string' },
  role: { type: 'string', short: 'r' },
  'role-arn': { type: 'string' },
  'external-id': { type: 'string', short: 'e' },
  'session-name': { type: 'string', short: 's' },
  'forward-session-name': { type: 'boolean' },
  region: { type: 'string' },
  profile: { type: 'string' },
  'token-only': { type: 'boolean' },
  'txt-fallback': { type: 'string' },
  'dns-server': { type: 'string', multiple: true },
  daemon: { type: 'string' },
  output: { type: 'string', short: 'o' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Env = Record<string, string | undefined>;

/** Parses the flags of `token` (aws-iam-authenticator style) and `get-token` (aws eks style). */
export function parseTokenCommand(args: string[], env: Env, style: 'token' | 'get-token'): TokenCommand {
  const { values } = parseFlags(args, TOKEN_OPTIONS, style);
  const clusterFlag = style === 'get-token' ? '--cluster-name' : '-i/--cluster-id';
  const clusterId =
    values['cluster-id'] ??
    values['cluster-name'] ??
    (style === 'token' ? env.KUBERNETES_AWS_AUTHENTICATOR_CLUSTER_ID : undefined);
  if (!clusterId) {
    throw new EksTokenError(
      'E_NO_CLUSTER_ID',
      `no cluster named`,
      `pass ${clusterFlag} NAME (a cluster name, or a DNS name with a TXT record)`,
    );
  }
  if (values['session-name'] && values['forward-session-name']) {
    throw new EksTokenError(
      'E_USAGE',
      '--session-name and --forward-session-name exclude each other',
      'pass only one of them',
    );
  }
  const fallback = values['txt-fallback'];
  if (fallback !== undefined && fallback !== 'literal' && fallback !== 'none') {
    throw new EksTokenError(
      'E_USAGE',
      `--txt-fallback=${fallback} is not a fallback`,
      'use --txt-fallback=literal or leave it out',
    );
  }
  const daemon = values.daemon ?? env.EKS_TOKEN_DAEMON ?? 'off';
  if (daemon !== 'off' && daemon !== 'on' && daemon !== 'auto') {
    throw new EksTokenError(
      'E_USAGE',
      `daemon mode "${daemon}" is unknown`,
      'use --daemon (or EKS_TOKEN_DAEMON) off, on or auto',
    );
  }
  const dnsServers =
    values['dns-server'] ??
    (env.EKS_TOKEN_DNS_SERVER ? env.EKS_TOKEN_DNS_SERVER.split(/[\s,]+/).filter(Boolean) : undefined);
  const request: TokenRequest = { clusterId };
  const roleArn = values.role ?? values['role-arn'];
  if (roleArn) request.roleArn = roleArn;
  if (values['external-id']) request.externalId = values['external-id'];
  if (values['session-name']) request.sessionName = values['session-name'];
  if (values['forward-session-name']) request.forwardSessionName = true;
  if (values.region) request.region = values.region;
  if (values.profile) request.profile = values.profile;
  if (fallback === 'literal') request.txtFallback = 'literal';
  if (dnsServers?.length) request.dnsServers = dnsServers;
  return {
    command: 'token',
    request,
    tokenOnly: values['token-only'] === true,
    debug: values.debug === true,
    daemon,
  };
}

/** Runs node:util parseArgs, turning its errors into one E_USAGE line that names the flag. */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: T,
  command: string,
) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false });
  } catch (error) {
    const message = (error as Error).message.split('\n')[0] ?? 'bad arguments';
    throw new EksTokenError(
      'E_USAGE',
      `${command}: ${message.replace(/\. To specify.*$/, '')}`,
      `see eks-token ${command} --help`,
    );
  }
}
