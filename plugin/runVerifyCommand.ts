import { trustExtraCaCerts } from '../src/aws/trustExtraCaCerts.js';
import { isDnsClusterId } from '../src/dns/isValidClusterName.js';
import { EksTokenError, isEksTokenError } from '../src/shared/EksTokenError.js';
import { parseFlags } from '../src/token/parseTokenCommand.js';
import { verifyToken } from '../src/token/verifyToken.js';
import type { PluginDeps } from './PluginDeps.js';

const OPTIONS = {
  token: { type: 'string', short: 't' },
  'cluster-id': { type: 'string', short: 'i' },
  sts: { type: 'boolean' },
  'dns-server': { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `eks-token verify --token T|- [-i CLUSTER] [--sts]`: the EKS authenticator's checks, then optionally STS. */
export async function runVerifyCommand(args: string[], deps: PluginDeps): Promise<number> {
  const { values } = parseFlags(args, OPTIONS, 'verify');
  if (values.token === undefined) {
    throw new EksTokenError(
      'E_USAGE',
      'verify: no token given',
      'pass --token TOKEN, or --token - to read it from stdin',
    );
  }
  const clusterId = values['cluster-id'];
  if (values.sts && !clusterId) {
    throw new EksTokenError(
      'E_USAGE',
      'verify --sts needs the cluster',
      'pass -i CLUSTER: STS checks the signed cluster name',
    );
  }
  const token = values.token === '-' ? tokenFromText(await readAll(deps.stdin)) : values.token.trim();
  const verdict = verifyToken(token, deps.now());
  if (!verdict.ok) {
    throw new EksTokenError(
      'E_VERIFY',
      `token fails check "${verdict.check}": ${verdict.reason}`,
      HINTS[verdict.check] ?? 'mint a new token with eks-token token',
    );
  }
  const facts = verdict.facts;
  const expires = new Date(facts.validUntil).toISOString().replace(/\.\d{3}Z$/, 'Z');
  let summary = `STS host ${facts.stsHost}, key ${facts.accessKeyId}, valid until ${expires}`;
  if (values.sts && clusterId) {
    trustExtraCaCerts(deps.env, (line) => deps.stderr.write(`${line}\n`));
    const clusterName = await resolveName(clusterId, values['dns-server'], deps);
    const { fetchTokenIdentity } = await import('../src/token/fetchCallerIdentity.js');
    try {
      const identity = await fetchTokenIdentity(token, clusterName, deps.env);
      summary += `; STS accepts it for cluster ${clusterName} as ${identity.arn} (account ${identity.account})`;
    } catch (error) {
      if (!isEksTokenError(error)) throw error;
      // STS answers SignatureDoesNotMatch both for a wrong cluster name and for tampering; only
      // network failures carry a cause, and keep their own hint.
      throw new EksTokenError(
        'E_VERIFY',
        `token fails check "sts" for cluster ${clusterName}: ${error.message}`,
        error.cause
          ? error.hint
          : 'the token was minted for another cluster name, with other keys, or was altered; mint it again with eks-token token',
      );
    }
  }
  deps.stdout.write(`ok: ${summary}\n`);
  return 0;
}

const HINTS: Record<string, string> = {
  length: 'a session token this long cannot be used with EKS; use shorter-lived or different credentials',
  prefix: 'pass the status.token of an ExecCredential, as printed by eks-token token --token-only',
  host: 'mint it for a regional STS endpoint (check --region, AWS_USE_FIPS_ENDPOINT, AWS_USE_DUALSTACK_ENDPOINT)',
  'signed-cluster-id': 'mint it with eks-token token -i CLUSTER, which signs x-k8s-aws-id',
  'date-expired': 'tokens live 15 minutes; mint a new one (and check the clock)',
  'date-future': 'the clock of the machine that minted it is ahead; fix the clock (NTP) and mint again',
};

// `eks-token token | eks-token verify --token -` works too: take status.token out of an ExecCredential.
function tokenFromText(text: string): string {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return trimmed;
  try {
    const token = JSON.parse(trimmed)?.status?.token;
    if (typeof token === 'string') return token;
  } catch {
    // Not JSON after all: let the checks say what is wrong with it.
  }
  return trimmed;
}

async function resolveName(
  clusterId: string,
  dnsServers: string[] | undefined,
  deps: PluginDeps,
): Promise<string> {
  if (!isDnsClusterId(clusterId)) return clusterId;
  const { resolveClusterName } = await import('../src/dns/resolveClusterName.js');
  const servers = dnsServers ?? deps.env.EKS_TOKEN_DNS_SERVER?.split(/[\s,]+/).filter(Boolean);
  const resolved = await resolveClusterName(clusterId, {
    now: deps.now,
    ...(servers?.length ? { dnsServers: servers } : {}),
  });
  return resolved.name;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text;
}
