// One file of the AWS CLI's credential cache: STS's AssumeRole* answer as botocore's JSONFileCache
// keeps it, and the checks that it is for the role its name stands for.
import type { AwsCredentials } from './AwsCredentials.js';

/** What STS answered, as botocore keeps it in the file. */
export interface CachedRoleResponse {
  credentials: AwsCredentials & { sessionToken: string; expiration: Date };
  accountId?: string;
  /** The assumed-role ARN STS named (AssumedRoleUser.Arn). */
  assumedRoleArn: string;
  assumedRoleId?: string;
}

/** The file's JSON for STS's answer, in the shape aws writes (Credentials, AssumedRoleUser). */
export function renderCachedResponse(response: CachedRoleResponse): string {
  const { credentials: c } = response;
  return JSON.stringify({
    Credentials: {
      AccessKeyId: c.accessKeyId,
      SecretAccessKey: c.secretAccessKey,
      SessionToken: c.sessionToken,
      Expiration: botocoreTime(c.expiration),
      ...(response.accountId ? { AccountId: response.accountId } : {}),
    },
    AssumedRoleUser: {
      ...(response.assumedRoleId ? { AssumedRoleId: response.assumedRoleId } : {}),
      Arn: response.assumedRoleArn,
    },
  });
}

/** Parses a cache file's JSON for `roleArn`; undefined for anything else. */
export function parseCachedResponse(text: string, roleArn: string): CachedRoleResponse | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  const creds = field(raw, 'Credentials');
  const user = field(raw, 'AssumedRoleUser');
  const [accessKeyId, secretAccessKey, sessionToken, expires, accountId] = [
    'AccessKeyId',
    'SecretAccessKey',
    'SessionToken',
    'Expiration',
    'AccountId',
  ].map((name) => field(creds, name));
  const assumedRoleArn = field(user, 'Arn');
  const strings = [accessKeyId, secretAccessKey, sessionToken, expires, assumedRoleArn];
  if (!strings.every((s): s is string => typeof s === 'string' && s.length > 0)) return undefined;
  const expiration = parseBotocoreTime(expires as string);
  const role = /^arn:([^:]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
  const assumed = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(assumedRoleArn as string);
  // The file's name is derived from the role; its content must say the same role, in the same account.
  if (!expiration || !role || !assumed || role.slice(1).join() !== assumed.slice(1).join()) return undefined;
  if (accountId !== undefined && accountId !== null && accountId !== role[2]) return undefined;
  const assumedRoleId = field(user, 'AssumedRoleId');
  return {
    credentials: {
      accessKeyId: accessKeyId as string,
      secretAccessKey: secretAccessKey as string,
      sessionToken: sessionToken as string,
      expiration,
    },
    accountId: role[2] as string,
    assumedRoleArn: assumedRoleArn as string,
    ...(typeof assumedRoleId === 'string' ? { assumedRoleId } : {}),
  };
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[name]
    : undefined;
}

// STS's Expiration as aws writes it into the file: "2026-12-06T10:00:00Z".
function botocoreTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

// botocore reads it with dateutil; a time without a zone it could not compare, so neither do we.
function parseBotocoreTime(text: string): Date | undefined {
  const m = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d(?:\.\d{1,6})?)(Z|UTC|GMT|[+-]\d\d:?\d\d)$/.exec(text);
  if (!m) return undefined;
  const zone = m[3] === 'UTC' || m[3] === 'GMT' ? 'Z' : (m[3] as string);
  const ms = Date.parse(
    `${m[1]}T${m[2]}${zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`,
  );
  return Number.isNaN(ms) ? undefined : new Date(ms);
}
