import { isAllowedStsHost } from '../aws/resolveStsEndpoint.js';
import { CLUSTER_ID_HEADER, PRESIGNED_URL_LIFETIME_MS, TOKEN_PREFIX } from './presignToken.js';

/** Stable names of the aws-iam-authenticator server checks, in the order it runs them. */
export type TokenCheck =
  | 'length'
  | 'prefix'
  | 'base64url'
  | 'url'
  | 'scheme'
  | 'host'
  | 'path'
  | 'query'
  | 'query-key'
  | 'query-once'
  | 'action'
  | 'signed-cluster-id'
  | 'expires'
  | 'date-present'
  | 'date-format'
  | 'date-expired'
  | 'date-future';

/** What a token that passes every check says about itself. */
export interface TokenFacts {
  url: string;
  stsHost: string;
  accessKeyId: string;
  /** Region of the signature's credential scope. */
  signingRegion: string;
  signedHeaders: string[];
  hasSessionToken: boolean;
  /** Epoch ms of X-Amz-Date. */
  signedAt: number;
  /** Epoch ms after which EKS refuses the token (X-Amz-Date + 15 min). */
  validUntil: number;
}

/** The outcome of verifyToken: the facts, or the first failed check and why. */
export type TokenVerdict = { ok: true; facts: TokenFacts } | { ok: false; check: TokenCheck; reason: string };

// aws-iam-authenticator pkg/token: maxTokenLenBytes and parameterWhitelist (compared lower-cased).
const MAX_TOKEN_LENGTH = 4096;
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
// STS refuses a presigned URL dated this far ahead, so EKS would get an error for it.
const MAX_FUTURE_SKEW_MS = 15 * 60_000;

/** Runs the server-side checks EKS's authenticator makes before it asks STS; never touches the network. */
export function verifyToken(token: string, now: number): TokenVerdict {
  const fail = (check: TokenCheck, reason: string): TokenVerdict => ({ ok: false, check, reason });
  const length = Buffer.byteLength(token);
  if (length > MAX_TOKEN_LENGTH)
    return fail('length', `token is ${length} bytes, more than ${MAX_TOKEN_LENGTH}`);
  if (!token.startsWith(TOKEN_PREFIX)) return fail('prefix', `token does not start with "${TOKEN_PREFIX}"`);
  const encoded = token.slice(TOKEN_PREFIX.length);
  // Go's base64.RawURLEncoding: URL alphabet, no padding, no impossible length.
  if (!/^[A-Za-z0-9_-]*$/.test(encoded) || encoded.length % 4 === 1)
    return fail('base64url', 'token body is not unpadded base64url');
  const text = Buffer.from(encoded, 'base64url').toString('utf8');
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {}
  // Go's url.Parse refuses control characters, which WHATWG URL would silently strip.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point.
  if (!url || /[\x00-\x1f\x7f]/.test(text)) return fail('url', 'token body is not a URL');
  if (url.protocol !== 'https:')
    return fail('scheme', `URL scheme is "${url.protocol.replace(/:$/, '')}", not https`);
  // Go keeps the host and path as written (WHATWG URL would drop :443 and resolve dot segments).
  const raw = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?/.exec(text);
  const host = raw?.[1] ?? '';
  if (!isAllowedStsHost(host)) return fail('host', `STS host "${host}" is not one EKS accepts`);
  // In a path '+' is a plus, unlike in a query.
  const path = decode((raw?.[2] ?? '').replace(/\+/g, '%2B'));
  if (path === undefined) return fail('url', 'token URL path has a bad percent escape');
  if (path !== '/') return fail('path', `URL path is "${path}", not "/"`);
  const rawQuery = raw?.[3] ?? '';
  const pairs = parseGoQuery(rawQuery);
  if (!pairs) return fail('query', 'URL query is malformed');
  const params = new Map<string, string>();
  for (const [key, value] of pairs) {
    const lower = key.toLowerCase();
    if (!ALLOWED_KEYS.has(lower)) return fail('query-key', `query parameter "${key}" is not allowed`);
    if (params.has(lower)) return fail('query-once', `query parameter "${key}" appears more than once`);
    params.set(lower, value);
  }
  if (params.get('action') !== 'GetCallerIdentity')
    return fail('action', `Action is "${params.get('action') ?? ''}", not GetCallerIdentity`);
  const signedHeaders = (params.get('x-amz-signedheaders') ?? '').split(';');
  if (!signedHeaders.some((h) => h.toLowerCase() === CLUSTER_ID_HEADER))
    return fail('signed-cluster-id', `the ${CLUSTER_ID_HEADER} header is not among the signed headers`);
  const expires = params.get('x-amz-expires') ?? '';
  if (!/^[+-]?\d{1,10}$/.test(expires) || Number(expires) < 0 || Number(expires) > 900)
    return fail('expires', `X-Amz-Expires "${expires}" is not a number of seconds from 0 to 900`);
  const date = params.get('x-amz-date');
  if (!date) return fail('date-present', 'X-Amz-Date is missing');
  const signedAt = parseAmzDate(date);
  if (signedAt === undefined) return fail('date-format', `X-Amz-Date "${date}" is not yyyymmddThhmmssZ`);
  const validUntil = signedAt + PRESIGNED_URL_LIFETIME_MS;
  if (now > validUntil)
    return fail(
      'date-expired',
      `signed at ${iso(signedAt)}, expired at ${iso(validUntil)} (now ${iso(now)})`,
    );
  if (signedAt > now + MAX_FUTURE_SKEW_MS)
    return fail('date-future', `signed at ${iso(signedAt)}, more than 15 minutes after now (${iso(now)})`);
  const credential = (params.get('x-amz-credential') ?? '').split('/');
  return {
    ok: true,
    facts: {
      url: text,
      stsHost: host,
      accessKeyId: credential[0] ?? '',
      signingRegion: credential[2] ?? '',
      signedHeaders,
      hasSessionToken: params.has('x-amz-security-token'),
      signedAt,
      validUntil,
    },
  };
}

/** Parses yyyymmddThhmmssZ strictly, as Go's time.Parse does (no 31 February). */
export function parseAmzDate(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59)
    return undefined;
  return ms;
}

// Go's url.ParseQuery: '&'-separated, ';' rejected, '+' is a space, percent escapes must be valid.
function parseGoQuery(raw: string): Array<[string, string]> | undefined {
  const pairs: Array<[string, string]> = [];
  for (const piece of raw.split('&')) {
    if (piece === '') continue;
    if (piece.includes(';')) return undefined;
    const eq = piece.indexOf('=');
    const key = decode(eq < 0 ? piece : piece.slice(0, eq));
    const value = decode(eq < 0 ? '' : piece.slice(eq + 1));
    if (key === undefined || value === undefined) return undefined;
    pairs.push([key, value]);
  }
  return pairs;
}

function decode(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
