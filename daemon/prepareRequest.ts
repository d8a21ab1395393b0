import { createHash } from 'node:crypto';
import { type TokenRequest, tokenRequestFields } from '../src/token/TokenRequest.js';
import { type CallerIdentity, callerIdentity, identityStamp } from './callerIdentity.js';

/** A token request with its cache key and the version of the files its credentials come from. */
export interface PreparedRequest {
  /** SHA-256 of every request field and the caller's identity: one-way, so no static key sits in a key. */
  key: string;
  identity: CallerIdentity;
  stamp: string;
  stampNow: () => string;
  request: TokenRequest;
  env: Record<string, string>;
  /** The caller's working directory, where a credential_process helper runs. */
  cwd: string | undefined;
}

/** Computes the cache key of a token request from everything that decides its token (callerIdentity.ts). */
export function prepareRequest(
  request: TokenRequest,
  env: Record<string, string>,
  cwd?: string,
): PreparedRequest {
  const identity = callerIdentity(request.profile, env, cwd);
  const key = sha256(`${identity.hash}\n${JSON.stringify(tokenRequestFields(request))}`);
  const stampNow = () => identityStamp(identity);
  return { key, identity, stamp: stampNow(), stampNow, request, env, cwd };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64');
}
