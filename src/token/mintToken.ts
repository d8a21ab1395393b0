import type { AwsCredentials } from '../aws/AwsCredentials.js';
import { isKnownRegion } from '../aws/knownRegions.js';
import { resolveProfileName, resolveProfileSettings } from '../aws/resolveProfileSettings.js';
import { resolveStsEndpoint, type StsEndpoint } from '../aws/resolveStsEndpoint.js';
import { staticEnvCredentials } from '../aws/staticEnvCredentials.js';
import { isDnsClusterId, isValidClusterName } from '../dns/isValidClusterName.js';
import { nameCheckAt } from '../dns/nameCheckAt.js';
import { EksTokenError } from '../shared/EksTokenError.js';
import type { MintDeps } from './mintDeps.js';
import { type EksToken, presignToken } from './presignToken.js';
import type { TokenRequest } from './TokenRequest.js';

export { type MintDeps, mintDeps } from './mintDeps.js';

/** A token request after DNS, profile and region resolution. */
export interface ResolvedRequest extends TokenRequest {
  clusterName: string;
  region: string;
  endpoint: StsEndpoint;
  /** Epoch ms after which the TXT record behind clusterName may have changed (30 s floor). */
  nameValidUntil?: number;
  /** Epoch ms when the record's own TTL ends: a cache must look the name up again from then on. */
  nameCheckAt?: number;
  /** The note on the region eks-token chose itself, for stderr once credentials have resolved. */
  regionNote?: string;
}

/** A minted token with what it was minted for. */
export interface MintedToken extends EksToken {
  clusterName: string;
  region: string;
  stsHost: string;
}

/** Resolves cluster name, region and STS host for a request without touching credentials. */
export async function resolveRequest(request: TokenRequest, deps: MintDeps): Promise<ResolvedRequest> {
  const profile = resolveProfileName(request.profile, deps.env);
  const settings = await resolveProfileSettings(profile, request.region, deps.env);
  for (const note of settings.notes ?? []) deps.log(`eks-token: note: ${note}`);
  const region = settings.region ?? 'us-east-1';
  const endpoint = resolveStsEndpoint(region, settings.endpointOptions);
  if (deps.debug)
    deps.log(`eks-token: debug: region ${region} (from ${settings.regionSource}), STS host ${endpoint.host}`);
  // aws signs for any well-formed region; a typo would only show as EKS refusing the token.
  if (!isKnownRegion(endpoint.partition, region))
    deps.log(
      `eks-token: note: region ${region} (from ${settings.regionSource}) is not a known AWS region; signing for it anyway, as aws does: fix it if it is a typo`,
    );
  const resolved: ResolvedRequest = { ...request, clusterName: request.clusterId, region, endpoint };
  // Printed once credentials resolve: a missing profile is the error to see first, and alone.
  if (!settings.region)
    resolved.regionNote =
      'eks-token: note: no region set (--region, AWS_REGION, AWS_DEFAULT_REGION or the profile); using us-east-1';
  if (isDnsClusterId(request.clusterId)) {
    const { resolveClusterName } = await import('../dns/resolveClusterName.js');
    // The record may change the moment after the server reads it: its TTL counts from the question.
    const askedAt = deps.now();
    const name = await resolveClusterName(request.clusterId, {
      ...(request.dnsServers ? { dnsServers: request.dnsServers } : {}),
      ...(request.txtFallback ? { txtFallback: request.txtFallback } : {}),
      now: deps.now,
      ...(deps.debug ? { debug: (line: string) => deps.log(`eks-token: debug: ${line}`) } : {}),
    });
    resolved.clusterName = name.name;
    if (name.validUntil !== undefined) resolved.nameValidUntil = name.validUntil;
    if (name.ttlSeconds !== undefined) resolved.nameCheckAt = nameCheckAt(askedAt, name.ttlSeconds);
  } else if (!isValidClusterName(request.clusterId)) {
    throw new EksTokenError(
      'E_BAD_CLUSTER_ID',
      `cluster id ${JSON.stringify(request.clusterId)} is not an EKS cluster name`,
      'pass the cluster name (letters, digits, - and _) or a DNS name whose TXT record holds it',
    );
  }
  return resolved;
}

/** Mints a token in this process: resolve, fetch credentials (shown to `seen`), presign. */
export async function mintToken(
  request: TokenRequest,
  deps: MintDeps,
  seen?: (credentials: AwsCredentials) => void,
): Promise<MintedToken> {
  const resolved = await resolveRequest(request, deps);
  const credentials = await credentialsForRequest(resolved, deps);
  if (resolved.regionNote) deps.log(resolved.regionNote);
  seen?.(credentials);
  return signResolved(resolved, credentials, deps.now());
}

/** Presigns for a resolved request and caps expiry by the TXT record's lifetime. */
export async function signResolved(
  resolved: ResolvedRequest,
  credentials: AwsCredentials,
  now: number,
): Promise<MintedToken> {
  const token = await presignToken({
    credentials,
    endpoint: resolved.endpoint,
    clusterId: resolved.clusterName,
    now,
  });
  const expiresAt =
    resolved.nameValidUntil === undefined
      ? token.expiresAt
      : Math.min(token.expiresAt, resolved.nameValidUntil);
  return {
    ...token,
    expiresAt,
    clusterName: resolved.clusterName,
    region: resolved.region,
    stsHost: resolved.endpoint.host,
  };
}

/** Fetches the credentials a request asks for, forwarding the caller's session name if asked. */
export async function credentialsForRequest(
  resolved: ResolvedRequest,
  deps: MintDeps,
): Promise<AwsCredentials> {
  // The AWS CLI's order: keys in the environment beat AWS_PROFILE; only --profile beats them.
  const fromEnv = staticEnvCredentials(deps.env, resolved.profile);
  if (fromEnv && !resolved.roleArn) return fromEnv;
  // Only now may a call go to the network (SSO, STS, metadata): trust the CA file the launcher moved.
  (await import('../aws/trustExtraCaCerts.js')).trustExtraCaCerts(deps.env, deps.log);
  const { resolveCredentials } = await import('../aws/resolveCredentials.js');
  const base = {
    ...(resolved.profile ? { profile: resolved.profile } : {}),
    profileInEffect: resolveProfileName(resolved.profile, deps.env),
    ...(fromEnv ? { baseCredentials: fromEnv } : {}),
    region: resolved.region,
    stsHost: stsHostOf(resolved, deps.env),
    env: deps.env,
    ...(deps.debug ? { debugLog: deps.log } : {}),
    mfaCodeProvider: deps.mfaCodeProvider,
    now: deps.now,
  };
  let sessionName = resolved.sessionName;
  if (resolved.roleArn && resolved.forwardSessionName) {
    const { fetchCallerIdentity } = await import('./fetchCallerIdentity.js');
    const identity = await fetchCallerIdentity(
      await resolveCredentials(base),
      resolved.endpoint,
      deps.env,
      deps.now(),
    );
    // Federated identities carry the session as "AROA...:name"; IAM users have none to forward.
    sessionName = identity.userId.split(':')[1] ?? sessionName;
  }
  return resolveCredentials({
    ...base,
    ...(resolved.roleArn ? { roleArn: resolved.roleArn } : {}),
    ...(resolved.externalId ? { externalId: resolved.externalId } : {}),
    ...(sessionName ? { sessionName } : {}),
  });
}

// Where the SDK sends AssumeRole: AWS_ENDPOINT_URL_STS when set, else the region's STS host.
function stsHostOf(resolved: ResolvedRequest, env: Record<string, string | undefined>): string {
  const override = env.AWS_ENDPOINT_URL_STS || env.AWS_ENDPOINT_URL;
  if (override) {
    try {
      return new URL(override).host;
    } catch {
      return override;
    }
  }
  return resolved.endpoint.host;
}
