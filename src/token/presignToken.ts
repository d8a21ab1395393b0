import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentials } from '../aws/AwsCredentials.js';
import type { StsEndpoint } from '../aws/resolveStsEndpoint.js';
import { EksTokenError } from '../shared/EksTokenError.js';

/** A minted bearer token and the instant it stops being usable. */
export interface EksToken {
  token: string;
  /** Epoch ms; already one minute before the earliest of URL and credential expiry. */
  expiresAt: number;
}

export const TOKEN_PREFIX = 'k8s-aws-v1.';
export const CLUSTER_ID_HEADER = 'x-k8s-aws-id';
/** STS honours a presigned GetCallerIdentity for 15 minutes after X-Amz-Date, whatever X-Amz-Expires says. */
export const PRESIGNED_URL_LIFETIME_MS = 15 * 60_000;
const SAFETY_MARGIN_MS = 60_000;
// Both AWS tools send 60 for compatibility with authenticators that checked 0..60.
const X_AMZ_EXPIRES = 60;
// botocore's order; aws-iam-authenticator sorts the security token before SignedHeaders instead.
const QUERY_ORDER = [
  'Action',
  'Version',
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Security-Token',
  'X-Amz-Signature',
];

/** Presigns STS GetCallerIdentity for `clusterId` and wraps it as an EKS bearer token. */
export async function presignToken(input: {
  credentials: AwsCredentials;
  endpoint: StsEndpoint;
  clusterId: string;
  now: number;
}): Promise<EksToken> {
  const { credentials, endpoint, clusterId, now } = input;
  const signer = new SignatureV4({
    credentials,
    region: endpoint.signingRegion,
    service: 'sts',
    sha256: Sha256,
    uriEscapePath: true,
  });
  let signed: { query?: Record<string, string | string[] | null> };
  try {
    signed = await signer.presign(
      {
        method: 'GET',
        protocol: 'https:',
        hostname: endpoint.host,
        path: '/',
        query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
        headers: { host: endpoint.host, [CLUSTER_ID_HEADER]: clusterId },
      },
      { signingDate: new Date(now), expiresIn: X_AMZ_EXPIRES },
    );
  } catch (error) {
    throw new EksTokenError('E_SIGNING', 'could not sign the STS request', 'check the credentials', {
      cause: error,
    });
  }
  const query = signed.query ?? {};
  const pairs = QUERY_ORDER.filter((key) => typeof query[key] === 'string').map(
    (key) => `${key}=${encodeRfc3986(query[key] as string)}`,
  );
  const url = `https://${endpoint.host}/?${pairs.join('&')}`;
  return {
    token: TOKEN_PREFIX + Buffer.from(url).toString('base64url'),
    expiresAt: tokenExpiry(now, credentials.expiration),
  };
}

/** The earliest of URL expiry and credential expiry, less the safety minute, on a whole second. */
export function tokenExpiry(signedAt: number, credentialExpiry?: Date): number {
  let end = signedAt + PRESIGNED_URL_LIFETIME_MS;
  if (credentialExpiry && credentialExpiry.getTime() < end) end = credentialExpiry.getTime();
  return Math.floor((end - SAFETY_MARGIN_MS) / 1000) * 1000;
}

/** Percent-encodes everything but RFC 3986 unreserved characters, as SigV4 and botocore do. */
export function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
