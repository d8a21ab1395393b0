import { EksTokenError, isEksTokenError } from '../src/shared/EksTokenError.js';
import { fetchTokenIdentity } from '../src/token/fetchCallerIdentity.js';
import { mintDeps, mintToken } from '../src/token/mintToken.js';
import { parseTokenCommand, type TokenCommand } from '../src/token/parseTokenCommand.js';
import { type PluginDeps, readLine } from './PluginDeps.js';

// GetCallerIdentity needs some x-k8s-aws-id; without -i there is no cluster to report.
const NO_CLUSTER = 'eks-token-whoami';

/** `eks-token whoami [-i CLUSTER] [token flags] [--json]`: who EKS would see for this token. */
export async function runWhoamiCommand(args: string[], deps: PluginDeps): Promise<number> {
  const json = args.includes('--json');
  const rest = args.filter((arg) => arg !== '--json');
  const { cmd, named } = parse(rest, deps.env);
  const log = (line: string) => deps.stderr.write(`${line}\n`);
  const minted = await mintToken(
    cmd.request,
    mintDeps({
      env: deps.env,
      now: deps.now,
      log,
      debug: cmd.debug,
      promptMfa: async (serial) => {
        deps.stderr.write(`Assume Role MFA token code for ${serial}: `);
        return readLine(deps.stdin);
      },
    }),
  );
  // The same GET with x-k8s-aws-id that the EKS authenticator sends, so the answer is what EKS sees.
  const identity = await fetchTokenIdentity(minted.token, minted.clusterName, deps.env);
  const report = {
    account: identity.account,
    arn: identity.arn,
    userId: identity.userId,
    mappedArn: mappedArn(identity.arn),
    clusterId: named ? cmd.request.clusterId : null,
    clusterName: named ? minted.clusterName : null,
    region: minted.region,
    stsHost: minted.stsHost,
    tokenExpires: new Date(minted.expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
  if (json) {
    deps.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  }
  const cluster =
    report.clusterName === null
      ? '(none: pass -i CLUSTER to check a cluster name)'
      : report.clusterName === report.clusterId
        ? report.clusterName
        : `${report.clusterName} (from the TXT record of ${report.clusterId})`;
  const lines: Array<[string, string]> = [
    ['Account', report.account],
    ['ARN', report.arn],
    ['UserId', report.userId],
    ['Mapped as', `${report.mappedArn} (the ARN aws-auth and access entries match)`],
    ['Cluster', cluster],
    ['Region', report.region],
    ['STS host', report.stsHost],
    ['Token expires', report.tokenExpires],
  ];
  for (const [label, value] of lines) deps.stdout.write(`${`${label}:`.padEnd(15)}${value}\n`);
  return 0;
}

function parse(args: string[], env: PluginDeps['env']): { cmd: TokenCommand; named: boolean } {
  try {
    return { cmd: parseTokenCommand(args, env, 'token'), named: true };
  } catch (error) {
    if (!isEksTokenError(error) || error.code !== 'E_NO_CLUSTER_ID') throw rename(error);
    return { cmd: parseTokenCommand(['-i', NO_CLUSTER, ...args], env, 'token'), named: false };
  }
}

// parseTokenCommand names the "token" command in usage errors; point at whoami's help instead.
function rename(error: unknown): unknown {
  if (!isEksTokenError(error) || error.code !== 'E_USAGE') return error;
  return new EksTokenError(
    'E_USAGE',
    error.message.replace(/^token: /, 'whoami: '),
    'see eks-token whoami --help',
  );
}

/**
 * The ARN aws-iam-authenticator maps: an assumed-role session becomes its IAM role (path dropped),
 * which is why mapRoles entries must name the role, not the session.
 */
export function mappedArn(arn: string): string {
  const m = /^arn:([^:]+):sts::(\d+):assumed-role\/(?:.*\/)?([^/]+)\/[^/]+$/.exec(arn);
  return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : arn;
}
