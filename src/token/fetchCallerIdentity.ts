import { isIP } from 'node:net';
import { checkServerIdentity } from 'node:tls';
import { Agent, request } from 'undici';
import type { AwsCredentials } from '../aws/AwsCredentials.js';
import type { StsEndpoint } from '../aws/resolveStsEndpoint.js';
import { trustExtraCaCerts } from '../aws/trustExtraCaCerts.js';
import { EksTokenError } from '../shared/EksTokenError.js';
import { presignToken, TOKEN_PREFIX } from './presignToken.js';

/** The identity STS reports for a set of credentials. */
export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
}

/**
 * Sends a token's presigned GetCallerIdentity the way the EKS server does (GET with `x-k8s-aws-id`).
 * AWS_ENDPOINT_URL_STS redirects the call, keeping the signed Host header.
 */
export async function fetchTokenIdentity(
  token: string,
  clusterName: string,
  env: Record<string, string | undefined>,
): Promise<CallerIdentity> {
  trustExtraCaCerts(env, () => {});
  const url = new URL(Buffer.from(token.slice(TOKEN_PREFIX.length), 'base64url').toString());
  const override = env.AWS_ENDPOINT_URL_STS || env.AWS_ENDPOINT_URL;
  const target = override ? new URL(url.pathname + url.search, override) : url;
  // Redirected, the TLS peer is the override endpoint: verify its certificate for its own name,
  // not for the STS host named in the (signed) Host header.
  const dispatcher =
    override && target.protocol === 'https:'
      ? new Agent({
          connect: {
            ...(isIP(target.hostname) ? {} : { servername: target.hostname }),
            checkServerIdentity: (_host, cert) => checkServerIdentity(target.hostname, cert),
          },
        })
      : undefined;
  let statusCode: number;
  let body: string;
  try {
    const response = await request(target, {
      ...(dispatcher ? { dispatcher } : {}),
      method: 'GET',
      headers: { host: url.host, 'x-k8s-aws-id': clusterName, accept: 'application/json' },
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    statusCode = response.statusCode;
    body = await response.body.text();
  } catch (error) {
    throw new EksTokenError(
      'E_STS_UNREACHABLE',
      `could not reach STS at ${target.host}: ${(error as Error).message}`,
      'check the network and AWS_ENDPOINT_URL_STS',
      { cause: error },
    );
  } finally {
    // Failed or not, the redirect's own agent must not keep the process alive.
    await dispatcher?.close();
  }
  if (statusCode !== 200) {
    const code =
      /<Code>([^<]+)<\/Code>/.exec(body)?.[1] ?? /"Code"\s*:\s*"([^"]+)"/.exec(body)?.[1] ?? 'error';
    throw new EksTokenError(
      'E_STS_REJECTED',
      `STS GetCallerIdentity at ${url.host} answered ${statusCode} ${code}`,
      'check the credentials and the clock (tokens are valid 15 minutes)',
    );
  }
  const result = JSON.parse(body)?.GetCallerIdentityResponse?.GetCallerIdentityResult ?? {};
  return {
    account: String(result.Account ?? ''),
    arn: String(result.Arn ?? ''),
    userId: String(result.UserId ?? ''),
  };
}

/** Presigns and sends GetCallerIdentity for plain credentials. */
export async function fetchCallerIdentity(
  credentials: AwsCredentials,
  endpoint: StsEndpoint,
  env: Record<string, string | undefined>,
  now: number,
): Promise<CallerIdentity> {
  const clusterName = 'eks-token';
  const { token } = await presignToken({ credentials, endpoint, clusterId: clusterName, now });
  return fetchTokenIdentity(token, clusterName, env);
}
