import { type ParseArgsConfig, parseArgs } from 'node:util';
import { EksTokenError } from '../shared/EksTokenError.js';
import type { TokenRequest } from './TokenRequest.js';
import { validateTokenFlags } from './validateTokenFlags.js';

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

/** The flags of `token` and `get-token` (node:util parseArgs options). */
export const TOKEN_OPTIONS = {
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
  // aws-iam-authenticator's on-disk credential cache: accepted; the daemon is eks-token's cache.
  cache: { type: 'boolean' },
  // The AWS CLI's global options, so that an `aws ... eks get-token` command line works as it is.
  // None of them changes the token; validateTokenFlags rejects those that would change the output.
  'endpoint-url': { type: 'string' },
  'no-verify-ssl': { type: 'boolean' },
  'ca-bundle': { type: 'string' },
  'no-paginate': { type: 'boolean' },
  'no-cli-pager': { type: 'boolean' },
  'cli-auto-prompt': { type: 'boolean' },
  'no-cli-auto-prompt': { type: 'boolean' },
  'cli-binary-format': { type: 'string' },
  'cli-read-timeout': { type: 'string' },
  'cli-connect-timeout': { type: 'string' },
  color: { type: 'string' },
  query: { type: 'string' },
  'no-sign-request': { type: 'boolean' },
} as const;

type Env = Record<string, string | undefined>;

/** Parses the flags of `token` (aws-iam-authenticator style) and `get-token` (aws eks style). */
export function parseTokenCommand(args: string[], env: Env, style: 'token' | 'get-token'): TokenCommand {
  // kubectl runs this on every call: well-formed flags skip loading parseArgs (~2 ms); anything
  // else, including every mistake, gets parseArgs's full rules and its error messages.
  const values = (scanSimpleFlags(args, TOKEN_OPTIONS) ??
    parseFlags(args, TOKEN_OPTIONS, style).values) as ReturnType<
    typeof parseFlags<typeof TOKEN_OPTIONS>
  >['values'];
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
  validateTokenFlags(values);
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
  // aws eks get-token names its role session EKSGetTokenAuth: the same assumed-role ARN in EKS.
  else if (roleArn && !request.sessionName && style === 'get-token') request.sessionName = 'EKSGetTokenAuth';
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

type FlagValues = Record<string, string | boolean | string[]>;

/**
 * Reads `--name value`, `--name=value`, `-x value` and boolean flags exactly as parseArgs would,
 * or returns undefined for anything else (unknown or ambiguous flags, `--`, grouped short flags);
 * a property test keeps it equal to parseArgs wherever it answers.
 */
export function scanSimpleFlags(
  args: string[],
  options: NonNullable<ParseArgsConfig['options']>,
): FlagValues | undefined {
  const values: FlagValues = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    let name: string | undefined;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      if (eq >= 0) inline = arg.slice(eq + 1);
    } else if (arg.length === 2 && arg[0] === '-') {
      // A letter, as parseArgs's short options are; anything else finds no option below.
      name = Object.keys(options).find((key) => options[key]?.short === arg[1]);
    }
    const option = name ? options[name] : undefined;
    if (!name || !option || !Object.hasOwn(options, name)) return undefined;
    if (option.type === 'boolean') {
      if (inline !== undefined) return undefined;
      values[name] = true;
      continue;
    }
    const value = inline ?? args[++i];
    // parseArgs calls a separate value that starts with '-' ambiguous; let it say so.
    if (value === undefined || (inline === undefined && value.startsWith('-'))) return undefined;
    if (option.multiple) values[name] = [...((values[name] as string[] | undefined) ?? []), value];
    else values[name] = value;
  }
  return values;
}
