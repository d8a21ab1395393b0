/**
 * Builds EKS bearer tokens with aws4 (a signer independent of src/) so tests can craft good and bad tokens.
 */
import aws4 from 'aws4';
import { formatAmzDate } from './sigv4.js';

/** Credentials as aws4 wants them. */
export interface TestCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Options for presignGetCallerIdentity; defaults give a token EKS accepts. */
export interface PresignOptions {
  credentials: TestCredentials;
  clusterName: string;
  /** STS host; default sts.<region>.amazonaws.com. */
  host?: string;
  /** Signing region; default eu-west-1. */
  region?: string;
  /** Signing time, epoch ms; default now. */
  now?: number;
  /** X-Amz-Expires; default 60 (null to omit). */
  expires?: number | null;
  /** Action; default GetCallerIdentity. */
  action?: string;
  /** Extra query parameters, signed along with the rest. */
  extraQuery?: Record<string, string>;
  /** Sign the x-k8s-aws-id header (default true). */
  signClusterId?: boolean;
}

/** Presigns STS GetCallerIdentity like `aws eks get-token`, returning the https URL. */
export function presignGetCallerIdentity(o: PresignOptions): string {
  const region = o.region ?? 'eu-west-1';
  const host = o.host ?? `sts.${region}.amazonaws.com`;
  const query = new URLSearchParams({ Action: o.action ?? 'GetCallerIdentity', Version: '2011-06-15' });
  query.set('X-Amz-Date', formatAmzDate(o.now ?? Date.now()));
  if (o.expires !== null) query.set('X-Amz-Expires', String(o.expires ?? 60));
  for (const [k, v] of Object.entries(o.extraQuery ?? {})) query.set(k, v);
  const headers: Record<string, string> = o.signClusterId === false ? {} : { 'X-K8s-Aws-Id': o.clusterName };
  const signed = aws4.sign(
    { host, path: `/?${query.toString()}`, service: 'sts', region, signQuery: true, headers },
    o.credentials,
  );
  return `https://${host}${signed.path}`;
}

/** Wraps a URL as a k8s-aws-v1 token (base64url without padding). */
export function encodeEksToken(url: string): string {
  return `k8s-aws-v1.${Buffer.from(url).toString('base64url')}`;
}

/** presignGetCallerIdentity + encodeEksToken. */
export function makeEksToken(o: PresignOptions): string {
  return encodeEksToken(presignGetCallerIdentity(o));
}
