/**
 * Independent AWS Signature Version 4 verifier, written from the AWS SigV4 specification with node:crypto.
 * It deliberately shares no code with src/ so tests can use it to check what the product signs.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The only SigV4 algorithm identifier. */
export const ALGORITHM = 'AWS4-HMAC-SHA256';
/** Hex SHA-256 of the empty string: the payload hash of a body-less request. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** Stable machine-readable reasons a signature check fails. */
export type SigV4FailureReason =
  | 'malformed-request'
  | 'missing-auth'
  | 'bad-algorithm'
  | 'duplicate-auth-param'
  | 'bad-credential-scope'
  | 'bad-date'
  | 'bad-expires'
  | 'expired'
  | 'not-yet-valid'
  | 'unknown-access-key'
  | 'bad-signed-headers'
  | 'host-not-signed'
  | 'missing-signed-header'
  | 'payload-hash-mismatch'
  | 'signature-mismatch';

/** Successful verification: who signed, for which scope. */
export interface SigV4Success {
  ok: true;
  accessKeyId: string;
  region: string;
  service: string;
  signedHeaders: string[];
  /** The X-Amz-Date value, e.g. 20150830T123600Z. */
  date: string;
  /** X-Amz-Security-Token (query or header), if any; the caller decides whether it is valid. */
  sessionToken?: string;
  canonicalRequest: string;
}

/** Failed verification with a stable reason and a human-readable detail (never contains secrets). */
export interface SigV4Failure {
  ok: false;
  reason: SigV4FailureReason;
  detail: string;
  /** The request timestamp, for 'expired' / 'not-yet-valid'. */
  date?: string;
}

/** Result of every verify function. */
export type SigV4Result = SigV4Success | SigV4Failure;

/** Looks up the secret access key for an access key id; undefined when unknown. */
export type SecretLookup = (accessKeyId: string) => string | undefined;

/** Headers as node:http delivers them, or a plain record. */
export type HeaderBag = IncomingHttpHeaders | Record<string, string | string[] | undefined>;

/** Hex SHA-256 of a string (UTF-8) or buffer. */
export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** HMAC-SHA256 returning the raw digest. */
export function hmacSha256(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** Percent-encodes every byte except RFC 3986 unreserved characters (A-Z a-z 0-9 - _ . ~), uppercase hex. */
export function uriEncode(value: string, encodeSlash = true): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(c) || (!encodeSlash && c === '/')) out += c;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Strict percent-decoding of a query component ('+' means space, as form encoding and Go's ParseQuery do). */
export function decodeQueryComponent(value: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c === '%') {
      const hex = value.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw new Error('invalid percent-encoding in query');
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else if (c === '+') {
      bytes.push(0x20);
    } else {
      for (const b of Buffer.from(c, 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Parses a raw query string (without '?') into ordered decoded pairs; throws on bad encoding. */
export function parseQuery(rawQuery: string): Array<[string, string]> {
  if (rawQuery === '') return [];
  return rawQuery
    .split('&')
    .filter((piece) => piece !== '')
    .map((piece) => {
      const eq = piece.indexOf('=');
      const key = eq < 0 ? piece : piece.slice(0, eq);
      const value = eq < 0 ? '' : piece.slice(eq + 1);
      return [decodeQueryComponent(key), decodeQueryComponent(value)];
    });
}

/** Canonical query string: each key and value URI-encoded, sorted by key then value, joined by '&'. */
export function canonicalQueryString(pairs: Array<[string, string]>): string {
  return pairs
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** Canonical URI for non-S3 services: dot segments removed, each segment of the wire path encoded again. */
export function canonicalUri(rawPath: string): string {
  if (rawPath === '' || rawPath === '/') return '/';
  const out: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(uriEncode(segment));
  }
  const joined = `/${out.join('/')}`;
  return rawPath.endsWith('/') && joined !== '/' ? `${joined}/` : joined;
}

/** Reads one header case-insensitively; repeated values are joined with ','. */
export function headerValue(headers: HeaderBag, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== lower || value === undefined) continue;
    return Array.isArray(value) ? value.join(',') : String(value);
  }
  return undefined;
}

/** Canonical header block (each line "name:trimmed value\n") for the given signed header names. */
export function canonicalHeaders(headers: HeaderBag, signedHeaders: string[]): string {
  return signedHeaders
    .map((name) => `${name}:${(headerValue(headers, name) ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
}

/** Builds the canonical request from its six parts. */
export function canonicalRequest(parts: {
  method: string;
  canonicalUri: string;
  canonicalQuery: string;
  canonicalHeaders: string;
  signedHeaders: string[];
  payloadHash: string;
}): string {
  return [
    parts.method.toUpperCase(),
    parts.canonicalUri,
    parts.canonicalQuery,
    parts.canonicalHeaders,
    parts.signedHeaders.join(';'),
    parts.payloadHash,
  ].join('\n');
}

/** Credential scope "yyyymmdd/region/service/aws4_request". */
export function credentialScope(date8: string, region: string, service: string): string {
  return `${date8}/${region}/${service}/aws4_request`;
}

/** String to sign: algorithm, timestamp, scope and the hex hash of the canonical request. */
export function stringToSign(amzDate: string, scope: string, canonical: string): string {
  return [ALGORITHM, amzDate, scope, sha256Hex(canonical)].join('\n');
}

/** Derives the signing key HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request"). */
export function deriveSigningKey(secret: string, date8: string, region: string, service: string): Buffer {
  const kDate = hmacSha256(`AWS4${secret}`, date8);
  const kRegion = hmacSha256(kDate, region);
  const kService = hmacSha256(kRegion, service);
  return hmacSha256(kService, 'aws4_request');
}

/** Hex signature of a string to sign. */
export function computeSignature(signingKey: Buffer, toSign: string): string {
  return createHmac('sha256', signingKey).update(toSign, 'utf8').digest('hex');
}

/** Parses an X-Amz-Date style timestamp (yyyymmddThhmmssZ) to epoch ms, or undefined. */
export function parseAmzDate(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59)
    return undefined;
  return ms;
}

/** Formats epoch ms as an X-Amz-Date timestamp. */
export function formatAmzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function fail(reason: SigV4FailureReason, detail: string, date?: string): SigV4Failure {
  return date === undefined ? { ok: false, reason, detail } : { ok: false, reason, detail, date };
}

function parseScope(
  credential: string,
): { accessKeyId: string; date8: string; region: string; service: string } | undefined {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request') return undefined;
  const [accessKeyId, date8, region, service] = parts as [string, string, string, string];
  if (!accessKeyId || !/^\d{8}$/.test(date8) || !region || !service) return undefined;
  return { accessKeyId, date8, region, service };
}

function parseSignedHeaders(value: string): string[] | SigV4Failure {
  const list = value.split(';');
  if (list.some((h) => h === '' || h !== h.toLowerCase())) return fail('bad-signed-headers', 'not lowercase');
  const sorted = [...list].sort();
  if (sorted.join(';') !== list.join(';') || new Set(list).size !== list.length)
    return fail('bad-signed-headers', 'SignedHeaders must be sorted and unique');
  if (!list.includes('host')) return fail('host-not-signed', 'host must be a signed header');
  return list;
}

function signatureMatches(expectedHex: string, givenHex: string): boolean {
  if (!/^[0-9a-f]{64}$/.test(givenHex)) return false;
  return timingSafeEqual(Buffer.from(expectedHex, 'hex'), Buffer.from(givenHex, 'hex'));
}

interface CheckInput {
  method: string;
  rawPath: string;
  queryPairs: Array<[string, string]>;
  headers: HeaderBag;
  payloadHash: string;
  accessKeyId: string;
  date8: string;
  region: string;
  service: string;
  amzDate: string;
  signedHeaders: string[];
  signature: string;
  secretFor: SecretLookup;
  sessionToken: string | undefined;
}

function check(input: CheckInput): SigV4Result {
  const missing = input.signedHeaders.filter(
    (h) => h !== 'host' && headerValue(input.headers, h) === undefined,
  );
  if (missing.length > 0 || headerValue(input.headers, 'host') === undefined)
    return fail(
      'missing-signed-header',
      `signed header(s) absent from request: ${missing.join(',') || 'host'}`,
    );
  const secret = input.secretFor(input.accessKeyId);
  if (secret === undefined) return fail('unknown-access-key', `unknown access key ${input.accessKeyId}`);
  const canonical = canonicalRequest({
    method: input.method,
    canonicalUri: canonicalUri(input.rawPath),
    canonicalQuery: canonicalQueryString(input.queryPairs),
    canonicalHeaders: canonicalHeaders(input.headers, input.signedHeaders),
    signedHeaders: input.signedHeaders,
    payloadHash: input.payloadHash,
  });
  const scope = credentialScope(input.date8, input.region, input.service);
  const key = deriveSigningKey(secret, input.date8, input.region, input.service);
  const expected = computeSignature(key, stringToSign(input.amzDate, scope, canonical));
  if (!signatureMatches(expected, input.signature))
    return fail('signature-mismatch', 'the request signature does not match the one calculated');
  const result: SigV4Success = {
    ok: true,
    accessKeyId: input.accessKeyId,
    region: input.region,
    service: input.service,
    signedHeaders: input.signedHeaders,
    date: input.amzDate,
    canonicalRequest: canonical,
  };
  if (input.sessionToken !== undefined) result.sessionToken = input.sessionToken;
  return result;
}

function splitUrl(
  url: string | URL,
): { rawPath: string; rawQuery: string; host: string | undefined } | undefined {
  const text = String(url);
  const m = /^(?:([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#.*)?$/.exec(text);
  if (!m) return undefined;
  return { host: m[2], rawPath: m[3] || '/', rawQuery: m[4] ?? '' };
}

/** Options for presigned-URL verification. */
export interface PresignedVerifyOptions {
  secretFor: SecretLookup;
  /** Epoch ms to judge expiry against; omit to skip time checks. */
  now?: number;
  /** Fixed lifetime after X-Amz-Date (STS uses 15 min and ignores X-Amz-Expires); default X-Amz-Expires. */
  lifetimeMs?: number;
  /** How far X-Amz-Date may lie in the future; default 15 minutes. */
  maxFutureSkewMs?: number;
  /** HTTP method the URL is used with; default GET. */
  method?: string;
  /** Request body; default empty. */
  body?: string | Buffer;
}

/**
 * Verifies a query-signed (presigned) URL. `headers` must hold every signed header; when it has no host,
 * the URL's authority is used. `url` may be absolute or a path such as "/?Action=...".
 */
export function verifyPresignedUrl(
  url: string | URL,
  headers: HeaderBag,
  opts: PresignedVerifyOptions,
): SigV4Result {
  const parts = splitUrl(url);
  if (!parts) return fail('malformed-request', 'unparseable URL');
  let pairs: Array<[string, string]>;
  try {
    pairs = parseQuery(parts.rawQuery);
  } catch {
    return fail('malformed-request', 'invalid percent-encoding in query');
  }
  const auth = new Map<string, string>();
  for (const [k, v] of pairs) {
    if (!/^x-amz-/i.test(k)) continue;
    if (auth.has(k)) return fail('duplicate-auth-param', `${k} given more than once`);
    auth.set(k, v);
  }
  const algorithm = auth.get('X-Amz-Algorithm');
  const credential = auth.get('X-Amz-Credential');
  const amzDate = auth.get('X-Amz-Date');
  const signedHeadersRaw = auth.get('X-Amz-SignedHeaders');
  const signature = auth.get('X-Amz-Signature');
  if (algorithm === undefined || credential === undefined || signature === undefined)
    return fail('missing-auth', 'X-Amz-Algorithm, X-Amz-Credential and X-Amz-Signature are required');
  if (algorithm !== ALGORITHM) return fail('bad-algorithm', `unsupported algorithm ${algorithm}`);
  if (amzDate === undefined || signedHeadersRaw === undefined)
    return fail('missing-auth', 'X-Amz-Date and X-Amz-SignedHeaders are required');
  const scope = parseScope(credential);
  if (!scope)
    return fail('bad-credential-scope', 'X-Amz-Credential is not AKID/yyyymmdd/region/service/aws4_request');
  const dateMs = parseAmzDate(amzDate);
  if (dateMs === undefined) return fail('bad-date', 'X-Amz-Date is not yyyymmddThhmmssZ');
  if (amzDate.slice(0, 8) !== scope.date8)
    return fail('bad-credential-scope', 'scope date differs from X-Amz-Date');
  const expiresRaw = auth.get('X-Amz-Expires');
  if (
    expiresRaw === undefined ||
    !/^\d{1,6}$/.test(expiresRaw) ||
    Number(expiresRaw) < 1 ||
    Number(expiresRaw) > 604800
  )
    return fail('bad-expires', 'X-Amz-Expires must be an integer 1..604800');
  if (opts.now !== undefined) {
    const lifetime = opts.lifetimeMs ?? Number(expiresRaw) * 1000;
    if (opts.now > dateMs + lifetime)
      return fail('expired', `request signed at ${amzDate} has expired`, amzDate);
    if (dateMs > opts.now + (opts.maxFutureSkewMs ?? 15 * 60_000))
      return fail('not-yet-valid', `request signed at ${amzDate} is in the future`, amzDate);
  }
  const signedHeaders = parseSignedHeaders(signedHeadersRaw);
  if (!Array.isArray(signedHeaders)) return signedHeaders;
  const effectiveHeaders: HeaderBag =
    headerValue(headers, 'host') === undefined && parts.host ? { ...headers, host: parts.host } : headers;
  const body = opts.body ?? '';
  const contentHash = headerValue(headers, 'x-amz-content-sha256') ?? auth.get('X-Amz-Content-Sha256');
  return check({
    method: opts.method ?? 'GET',
    rawPath: parts.rawPath,
    queryPairs: pairs.filter(([k]) => k !== 'X-Amz-Signature'),
    headers: effectiveHeaders,
    payloadHash: contentHash ?? sha256Hex(body),
    ...scope,
    amzDate,
    signedHeaders,
    signature,
    secretFor: opts.secretFor,
    sessionToken: auth.get('X-Amz-Security-Token'),
  });
}

/** Options for header-signed verification. */
export interface HeaderVerifyOptions {
  /** Epoch ms; when set, the request date must be within maxSkewMs of it. */
  now?: number;
  /** Allowed clock skew either way; default 15 minutes (AWS's RequestTimeTooSkewed window). */
  maxSkewMs?: number;
}

/**
 * Verifies a request signed with an `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=...,
 * Signature=...` header. `path` is the raw wire path, `query` the raw query string without '?'.
 */
export function verifyAuthorizationHeader(
  method: string,
  path: string,
  query: string,
  headers: HeaderBag,
  body: string | Buffer,
  secretFor: SecretLookup,
  opts: HeaderVerifyOptions = {},
): SigV4Result {
  const authorization = headerValue(headers, 'authorization');
  if (authorization === undefined) return fail('missing-auth', 'no Authorization header');
  const space = authorization.indexOf(' ');
  const algorithm = space < 0 ? authorization : authorization.slice(0, space);
  if (algorithm !== ALGORITHM) return fail('bad-algorithm', `unsupported algorithm ${algorithm}`);
  const fields = new Map<string, string>();
  for (const piece of authorization.slice(space + 1).split(',')) {
    const trimmed = piece.trim();
    const eq = trimmed.indexOf('=');
    if (eq < 0) return fail('missing-auth', 'malformed Authorization header');
    const name = trimmed.slice(0, eq);
    if (fields.has(name)) return fail('duplicate-auth-param', `${name} given more than once`);
    fields.set(name, trimmed.slice(eq + 1));
  }
  const credential = fields.get('Credential');
  const signedHeadersRaw = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (credential === undefined || signedHeadersRaw === undefined || signature === undefined)
    return fail('missing-auth', 'Authorization needs Credential, SignedHeaders and Signature');
  const scope = parseScope(credential);
  if (!scope)
    return fail('bad-credential-scope', 'Credential is not AKID/yyyymmdd/region/service/aws4_request');
  const signedHeaders = parseSignedHeaders(signedHeadersRaw);
  if (!Array.isArray(signedHeaders)) return signedHeaders;
  const xAmzDate = headerValue(headers, 'x-amz-date');
  const httpDate = headerValue(headers, 'date');
  let amzDate: string | undefined;
  if (xAmzDate !== undefined) {
    if (!signedHeaders.includes('x-amz-date')) return fail('bad-signed-headers', 'x-amz-date must be signed');
    amzDate = xAmzDate;
  } else if (httpDate !== undefined) {
    if (!signedHeaders.includes('date')) return fail('bad-signed-headers', 'date must be signed');
    const ms = Date.parse(httpDate);
    if (!Number.isNaN(ms)) amzDate = formatAmzDate(ms);
  }
  const dateMs = amzDate === undefined ? undefined : parseAmzDate(amzDate);
  if (amzDate === undefined || dateMs === undefined)
    return fail('bad-date', 'no valid X-Amz-Date or Date header');
  if (amzDate.slice(0, 8) !== scope.date8)
    return fail('bad-credential-scope', 'scope date differs from request date');
  if (opts.now !== undefined && Math.abs(opts.now - dateMs) > (opts.maxSkewMs ?? 15 * 60_000))
    return fail(
      opts.now > dateMs ? 'expired' : 'not-yet-valid',
      `request time ${amzDate} is too skewed`,
      amzDate,
    );
  let pairs: Array<[string, string]>;
  try {
    pairs = parseQuery(query);
  } catch {
    return fail('malformed-request', 'invalid percent-encoding in query');
  }
  const bodyHash = sha256Hex(body);
  const declared = headerValue(headers, 'x-amz-content-sha256');
  if (declared !== undefined && declared !== 'UNSIGNED-PAYLOAD' && declared !== bodyHash)
    return fail('payload-hash-mismatch', 'x-amz-content-sha256 does not match the body');
  return check({
    method,
    rawPath: path,
    queryPairs: pairs,
    headers,
    payloadHash: declared ?? bodyHash,
    ...scope,
    amzDate,
    signedHeaders,
    signature,
    secretFor,
    sessionToken: headerValue(headers, 'x-amz-security-token'),
  });
}
