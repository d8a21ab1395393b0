/**
 * A tiny aws4-based STS query client for tests (independent of src/ and of the AWS SDK).
 */
import aws4 from 'aws4';
import { type RawResponse, rawRequest } from './rawHttp.js';
import type { TestCredentials } from './testTokens.js';

/** Options for stsQuery. */
export interface StsQueryOptions {
  /** Signing region; default us-east-1. */
  region?: string;
  /** Host header to send and sign (e.g. sts.eu-west-1.amazonaws.com); default the URL's host:port. */
  host?: string;
  /** Send Accept: application/json. */
  json?: boolean;
  /** Extra headers (signed). */
  headers?: Record<string, string>;
  /** Sign at this time (epoch ms); default now. */
  now?: number;
}

/** Sends a header-signed form POST `Action=...&Version=2011-06-15&...` to `stsUrl`; unsigned when creds is null. */
export function stsQuery(
  stsUrl: string,
  credentials: TestCredentials | null,
  params: Record<string, string>,
  opts: StsQueryOptions = {},
): Promise<RawResponse> {
  const target = new URL(stsUrl);
  const host = opts.host ?? target.host;
  const body = new URLSearchParams({ Version: '2011-06-15', ...params }).toString();
  const headers: Record<string, string> = {
    host,
    'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
    ...(opts.json ? { accept: 'application/json' } : {}),
    ...(opts.headers ?? {}),
  };
  if (opts.now !== undefined)
    headers['x-amz-date'] = new Date(opts.now).toISOString().replace(/[-:]|\.\d{3}/g, '');
  if (credentials) {
    const signed = aws4.sign(
      { host, path: '/', method: 'POST', body, service: 'sts', region: opts.region ?? 'us-east-1', headers },
      credentials,
    );
    Object.assign(headers, signed.headers as Record<string, string>);
  }
  return rawRequest(`${target.origin}/`, { method: 'POST', headers, body });
}
