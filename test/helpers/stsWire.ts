/**
 * STS query-protocol wire format for the fake STS: XML/JSON results and errors, body reading, validation errors.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { headerValue } from './sigv4.js';

/** XML namespace of STS 2011-06-15 responses. */
export const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
/** STS honours presigned requests for 15 minutes after X-Amz-Date. */
export const PRESIGNED_LIFETIME_MS = 15 * 60_000;
const MAX_BODY = 256 * 1024;

/** A result tree rendered as nested XML elements or JSON objects. */
export type XmlNode = string | number | { [key: string]: XmlNode };

/** An STS error answer: HTTP status, Code, Message, Type. */
export class StsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly type: 'Sender' | 'Receiver' = 'Sender',
  ) {
    super(message);
  }
}

/** The answer to unknown keys and wrong session tokens. */
export const INVALID_TOKEN = () =>
  new StsError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
/** STS's SignatureDoesNotMatch message. */
export const BAD_SIGNATURE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

const XML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

function xmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => XML_ENTITIES[c] ?? c);
}

function toXml(node: XmlNode): string {
  if (typeof node !== 'object') return xmlEscape(String(node));
  return Object.entries(node)
    .map(([k, v]) => `<${k}>${toXml(v)}</${k}>`)
    .join('');
}

/** True when the client asked for JSON (as aws-iam-authenticator does). */
export function wantsJson(req: IncomingMessage): boolean {
  return /application\/json/i.test(headerValue(req.headers, 'accept') ?? '');
}

function send(res: ServerResponse, status: number, contentType: string, body: string, reqId: string): void {
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': reqId,
  });
  res.end(body);
}

/** Writes <ActionResponse><ActionResult>...</ActionResult><ResponseMetadata/> or its JSON twin. */
export function sendResult(
  req: IncomingMessage,
  res: ServerResponse,
  action: string,
  result: XmlNode,
  reqId: string,
): void {
  const meta = { RequestId: reqId };
  if (wantsJson(req)) {
    const body = { [`${action}Response`]: { [`${action}Result`]: result, ResponseMetadata: meta } };
    send(res, 200, 'application/json', JSON.stringify(body), reqId);
  } else {
    const inner = `<${action}Result>${toXml(result)}</${action}Result><ResponseMetadata>${toXml(meta)}</ResponseMetadata>`;
    send(res, 200, 'text/xml', `<${action}Response xmlns="${NS}">${inner}</${action}Response>\n`, reqId);
  }
}

/** Writes <ErrorResponse><Error>{Type,Code,Message}</Error><RequestId/> or its JSON twin. */
export function sendError(req: IncomingMessage, res: ServerResponse, err: StsError, reqId: string): void {
  const error = { Type: err.type, Code: err.code, Message: err.message };
  if (wantsJson(req)) {
    send(res, err.status, 'application/json', JSON.stringify({ Error: error, RequestId: reqId }), reqId);
  } else {
    const body = `<ErrorResponse xmlns="${NS}"><Error>${toXml(error)}</Error><RequestId>${reqId}</RequestId></ErrorResponse>\n`;
    send(res, err.status, 'text/xml', body, reqId);
  }
}

/** Reads a request body (max 256 KiB). */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) reject(new StsError(413, 'RequestEntityTooLarge', 'Request body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** ISO-8601 without milliseconds, as STS formats Expiration. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A ValidationError in STS's '1 validation error detected' wording. */
export function validation(field: string, value: string, constraint: string): StsError {
  return new StsError(
    400,
    'ValidationError',
    `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: ${constraint}`,
  );
}

/** Returns a required parameter or throws STS's null-member ValidationError. */
export function requireParam(params: Record<string, string>, name: string): string {
  const value = params[name];
  if (value === undefined) {
    const field = name.charAt(0).toLowerCase() + name.slice(1);
    throw new StsError(
      400,
      'ValidationError',
      `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

/** The access key id a request claims (Authorization header or X-Amz-Credential), unverified. */
export function claimedAccessKey(req: IncomingMessage, query: URLSearchParams): string | undefined {
  const fromHeader = /Credential=([^/,\s]+)\//.exec(headerValue(req.headers, 'authorization') ?? '');
  return fromHeader?.[1] ?? query.get('X-Amz-Credential')?.split('/')[0];
}

/** Best-effort decode of a JWT payload; undefined when not JWT-shaped. */
export function decodeJwtClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1] as string, 'base64url').toString('utf8'));
    return claims && typeof claims === 'object' ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
