/**
 * Random AWS-shaped identifiers and ARN helpers shared by the test peers (independent of src/).
 */
import { randomBytes, randomUUID } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A random id with an AWS prefix, e.g. randomAwsId('AKIA', 16) -> AKIA + 16 chars of [A-Z2-7]. */
export function randomAwsId(prefix: string, length: number): string {
  let out = prefix;
  for (const byte of randomBytes(length)) out += BASE32[byte % 32];
  return out;
}

/** A 40-character secret access key (base64 alphabet, so it may contain '+' and '/'). */
export function randomSecretKey(): string {
  return randomBytes(30).toString('base64');
}

/** A long session token that always contains '+', '/' and '=' to exercise URL encoding. */
export function randomSessionToken(): string {
  return `IQoJb3JpZ2luX2Vj+/${randomBytes(299).toString('base64')}`;
}

/** A fresh STS-style request id. */
export function requestId(): string {
  return randomUUID();
}

/** Parsed ARN parts. */
export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

/** Splits "arn:partition:service:region:account:resource"; undefined when malformed. */
export function parseArn(arn: string): ParsedArn | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  const [, partition, service, region, account] = parts as [string, string, string, string, string];
  const resource = parts.slice(5).join(':');
  if (!partition || !service || !resource) return undefined;
  return { partition, service, region, account, resource };
}

/**
 * aws-iam-authenticator's ARN canonicalisation: assumed-role ARNs become the IAM role ARN (path dropped),
 * iam role/user/root and sts federated-user ARNs pass through; anything else is an error (undefined).
 */
export function canonicalizeArn(arn: string): string | undefined {
  const p = parseArn(arn);
  if (!p) return undefined;
  const resource = p.resource.split('/');
  if (p.service === 'sts') {
    if (resource[0] === 'federated-user') return arn;
    if (resource[0] === 'assumed-role') {
      if (resource.length < 3) return undefined;
      return `arn:${p.partition}:iam::${p.account}:role/${resource[resource.length - 2]}`;
    }
    return undefined;
  }
  if (p.service === 'iam' && ['role', 'user', 'root'].includes(resource[0] as string)) return arn;
  return undefined;
}

/** The role name (last path segment) of an IAM role ARN, or undefined. */
export function roleNameOf(roleArn: string): string | undefined {
  const p = parseArn(roleArn);
  if (p?.service !== 'iam' || !p.resource.startsWith('role/')) return undefined;
  const name = p.resource.split('/').pop();
  return name || undefined;
}
