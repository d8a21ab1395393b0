/**
 * A TypeScript re-statement of aws-iam-authenticator's server-side token verification (token format checks,
 * STS GetCallerIdentity round trip, ARN canonicalisation, aws-auth style mapping). Independent of src/.
 */
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { canonicalizeArn } from './awsFakes.js';
import { decodeQueryComponent, parseAmzDate } from './sigv4.js';
import { isAllowedStsHost } from './stsHosts.js';

/** Stable codes for every way a bearer token can be refused. */
export const EKS_AUTH_FAILURES = [
  'missing-token',
  'token-too-long',
  'bad-prefix',
  'bad-base64',
  'bad-url',
  'bad-scheme',
  'bad-host',
  'bad-path',
  'malformed-query',
  'query-key-not-allowed',
  'query-key-duplicated',
  'bad-action',
  'cluster-id-not-signed',
  'bad-expires',
  'missing-date',
  'bad-date',
  'date-expired',
  'sts-unreachable',
  'sts-rejected',
  'sts-bad-response',
  'bad-arn',
  'not-mapped',
] as const;

/** One of EKS_AUTH_FAILURES. */
export type EksAuthFailure = (typeof EKS_AUTH_FAILURES)[number];

/** The token prefix aws-iam-authenticator requires. */
export const TOKEN_V1_PREFIX = 'k8s-aws-v1.';
/** Maximum token length in bytes. */
export const MAX_TOKEN_LENGTH = 4096;
/** Presigned GetCallerIdentity URLs live 15 minutes after X-Amz-Date. */
export const TOKEN_LIFETIME_MS = 15 * 60_000;
const ALLOWED_KEYS = new Set([
  'action',
  'version',
  'x-amz-algorithm',
  'x-amz-credential',
  'x-amz-date',
  'x-amz-expires',
  'x-amz-security-token',
  'x-amz-signature',
  'x-amz-signedheaders',
]);

/** A token that passed the offline checks: the pieces needed to ask STS. */
export interface ParsedEksToken {
  ok: true;
  url: string;
  host: string;
  rawQuery: string;
  /** Lowercased query keys to decoded values. */
  params: Record<string, string>;
  amzDate: string;
  accessKeyId: string;
}

/** A refused token. */
export interface EksTokenRejection {
  ok: false;
  reason: EksAuthFailure;
  detail: string;
}

function reject(reason: EksAuthFailure, detail: string): EksTokenRejection {
  return { ok: false, reason, detail };
}

/** Short non-secret fingerprint of a token (first 12 hex chars of its SHA-256) for logs and assertions. */
export function tokenFingerprint(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 12);
}

/** Decodes a k8s-aws-v1 token to its URL without validating it; undefined when not decodable. */
export function decodeEksToken(token: string): string | undefined {
  if (!token.startsWith(TOKEN_V1_PREFIX)) return undefined;
  const b64 = token.slice(TOKEN_V1_PREFIX.length);
  if (!/^[A-Za-z0-9_-]*$/.test(b64) || b64.length % 4 === 1) return undefined;
  return Buffer.from(b64, 'base64url').toString('utf8');
}

/** All offline checks aws-iam-authenticator's Verify() runs before calling STS, in its order. */
export function checkEksToken(token: string, nowMs: number): ParsedEksToken | EksTokenRejection {
  if (Buffer.byteLength(token) > MAX_TOKEN_LENGTH) return reject('token-too-long', 'token is too large');
  if (!token.startsWith(TOKEN_V1_PREFIX))
    return reject('bad-prefix', `token is missing expected "${TOKEN_V1_PREFIX}" prefix`);
  const url = decodeEksToken(token);
  if (url === undefined) return reject('bad-base64', 'illegal base64url (raw, unpadded) data');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: Go's url.Parse refuses control characters.
  if (/[\x00-\x1f\x7f ]/.test(url)) return reject('bad-url', 'invalid character in URL');
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?(?:#.*)?$/.exec(url);
  if (!m) return reject('bad-url', 'URL cannot be parsed');
  const [, scheme, host, rawPath, rawQuery = ''] = m as unknown as [string, string, string, string, string?];
  // Go's url.Parse refuses an authority with a bad percent escape or a port that is not digits.
  if (/%(?![0-9A-Fa-f]{2})/.test(host) || /:(?!\d*$)[^\]]*$/.test(host.replace(/^\[[^\]]*\]/, '')))
    return reject('bad-url', 'invalid host or port in URL');
  if (scheme.toLowerCase() !== 'https')
    return reject('bad-scheme', `unexpected scheme "${scheme}" in pre-signed URL`);
  if (!isAllowedStsHost(host)) return reject('bad-host', `unexpected hostname "${host}" in pre-signed URL`);
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return reject('bad-url', 'invalid path escape');
  }
  if (path !== '/') return reject('bad-path', 'unexpected path in pre-signed URL');
  const params: Record<string, string> = {};
  const seen = new Set<string>();
  for (const piece of rawQuery.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    let key: string;
    let value: string;
    try {
      if (piece.slice(0, eq < 0 ? undefined : eq).includes(';')) throw new Error('semicolon');
      key = decodeQueryComponent(eq < 0 ? piece : piece.slice(0, eq));
      value = decodeQueryComponent(eq < 0 ? '' : piece.slice(eq + 1));
    } catch {
      return reject('malformed-query', 'malformed query parameter');
    }
    const lower = key.toLowerCase();
    if (!ALLOWED_KEYS.has(lower))
      return reject('query-key-not-allowed', `non-whitelisted query parameter "${key}"`);
    if (seen.has(lower))
      return reject('query-key-duplicated', `query parameter "${key}" given more than once`);
    seen.add(lower);
    params[lower] = value;
  }
  if (params.action !== 'GetCallerIdentity')
    return reject('bad-action', 'unexpected action parameter in pre-signed URL');
  const signed = (params['x-amz-signedheaders'] ?? '').split(';').map((h) => h.toLowerCase());
  if (!signed.includes('x-k8s-aws-id'))
    return reject(
      'cluster-id-not-signed',
      'client did not sign the x-k8s-aws-id header in the pre-signed URL',
    );
  const expires = params['x-amz-expires'] ?? '';
  if (!/^[+-]?\d+$/.test(expires) || Number(expires) < 0 || Number(expires) > 900)
    return reject('bad-expires', `invalid X-Amz-Expires parameter in pre-signed URL: ${expires}`);
  const amzDate = params['x-amz-date'];
  if (!amzDate) return reject('missing-date', 'expected x-amz-date to be set in the pre-signed URL');
  const dateMs = parseAmzDate(amzDate);
  if (dateMs === undefined) return reject('bad-date', `error parsing X-Amz-Date "${amzDate}"`);
  if (nowMs > dateMs + TOKEN_LIFETIME_MS)
    return reject('date-expired', `X-Amz-Date parameter is expired (15 minute expiration) ${amzDate}`);
  const accessKeyId = (params['x-amz-credential'] ?? '').split('/')[0] ?? '';
  return { ok: true, url, host, rawQuery, params, amzDate, accessKeyId };
}

/** The identity STS vouched for, as aws-iam-authenticator's token.Identity. */
export interface StsVerifiedIdentity {
  arn: string;
  canonicalArn: string;
  accountId: string;
  userId: string;
  sessionName: string;
  accessKeyId: string;
}

/**
 * Sends the presigned GET to `stsUrl` (keeping the token's host in the Host header) with
 * x-k8s-aws-id: clusterName and accept: application/json, then parses and canonicalises the answer.
 */
export async function callStsForToken(
  parsed: ParsedEksToken,
  clusterName: string,
  stsUrl: string,
  timeoutMs = 10_000,
): Promise<StsVerifiedIdentity | EksTokenRejection> {
  const target = new URL(stsUrl);
  const requestFn = target.protocol === 'https:' ? httpsRequest : httpRequest;
  let status: number;
  let text: string;
  try {
    ({ status, text } = await new Promise<{ status: number; text: string }>((resolve, rejectP) => {
      const req = requestFn(
        {
          hostname: target.hostname,
          port: target.port,
          method: 'GET',
          path: `/?${parsed.rawQuery}`,
          headers: { host: parsed.host, 'x-k8s-aws-id': clusterName, accept: 'application/json' },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', rejectP);
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', rejectP);
      req.end();
    }));
  } catch (error) {
    return reject('sts-unreachable', `error during GET: ${(error as Error).message}`);
  }
  if (status !== 200) {
    let code = '';
    try {
      code = (JSON.parse(text) as { Error?: { Code?: string } }).Error?.Code ?? '';
    } catch {
      code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? '';
    }
    return reject('sts-rejected', `error from AWS (expected 200, got ${status}) ${code}`.trim());
  }
  let result: { Account?: unknown; Arn?: unknown; UserId?: unknown } | undefined;
  try {
    result = (JSON.parse(text) as { GetCallerIdentityResponse?: { GetCallerIdentityResult?: typeof result } })
      .GetCallerIdentityResponse?.GetCallerIdentityResult;
  } catch {
    return reject('sts-bad-response', 'STS answer is not JSON');
  }
  const arn = typeof result?.Arn === 'string' ? result.Arn : '';
  const canonicalArn = canonicalizeArn(arn);
  if (!canonicalArn) return reject('bad-arn', `arn '${arn}' is invalid`);
  const userIdParts = (typeof result?.UserId === 'string' ? result.UserId : '').split(':');
  if (userIdParts.length > 2) return reject('sts-bad-response', 'malformed UserID');
  return {
    arn,
    canonicalArn,
    accountId: typeof result?.Account === 'string' ? result.Account : '',
    userId: userIdParts[0] ?? '',
    sessionName: userIdParts[1] ?? '',
    accessKeyId: parsed.accessKeyId,
  };
}

/** An aws-auth mapRoles entry. */
export interface MapRole {
  rolearn: string;
  username: string;
  groups?: string[];
}

/** An aws-auth mapUsers entry. */
export interface MapUser {
  userarn: string;
  username: string;
  groups?: string[];
}

/** Kubernetes user info produced by the mapping. */
export interface MappedUser {
  username: string;
  uid: string;
  groups: string[];
  extra: Record<string, string[]>;
}

/** Renders aws-iam-authenticator's username/group templates. */
export function renderTemplate(template: string, id: StsVerifiedIdentity): string {
  return template
    .replaceAll('{{AccountID}}', id.accountId)
    .replaceAll('{{SessionName}}', id.sessionName.replaceAll('@', '-'))
    .replaceAll('{{SessionNameRaw}}', id.sessionName)
    .replaceAll('{{AccessKeyID}}', id.accessKeyId);
}

/** Maps a verified identity through mapRoles then mapUsers (ARNs compared case-insensitively). */
export function mapIdentity(
  id: StsVerifiedIdentity,
  mapRoles: MapRole[],
  mapUsers: MapUser[],
): MappedUser | undefined {
  const key = id.canonicalArn.toLowerCase();
  const entry =
    mapRoles.find((r) => r.rolearn.toLowerCase() === key) ??
    mapUsers.find((u) => u.userarn.toLowerCase() === key);
  if (!entry) return undefined;
  return {
    username: renderTemplate(entry.username, id),
    uid: `aws-iam-authenticator:${id.accountId}:${id.userId}`,
    groups: (entry.groups ?? []).map((g) => renderTemplate(g, id)),
    extra: {
      accessKeyId: [id.accessKeyId],
      arn: [id.arn],
      canonicalArn: [id.canonicalArn],
      principalId: [id.userId],
      sessionName: [id.sessionName],
    },
  };
}
