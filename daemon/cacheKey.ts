import { createHash } from 'node:crypto';
import type { TokenRequest } from '../src/token/parseCommandLine.js';
import { awsFilePaths, filesStamp } from './configFiles.js';
import { isIdentityEnv } from './identityEnv.js';

/** A token request with its cache key and the version of the AWS files it depends on. */
export interface PreparedRequest {
  /** SHA-256 of every request field and identity variable: one-way, so no static key sits in a key. */
  key: string;
  /** SHA-256 of the identity variables alone (part of the credential source key), computed on a miss. */
  envHash: () => string;
  stamp: string;
  stampNow: () => string;
  request: TokenRequest;
  env: Record<string, string>;
}

/** Computes the cache key of a token request from everything that decides its token. */
export function prepareRequest(request: TokenRequest, env: Record<string, string>): PreparedRequest {
  const keyEnv = JSON.stringify(
    Object.keys(env)
      .filter(isIdentityEnv)
      .sort()
      .map((name) => [name, env[name]]),
  );
  const r = request;
  const fields = [
    r.clusterId,
    r.roleArn,
    r.externalId,
    r.sessionName,
    r.forwardSessionName === true,
    r.region,
  ];
  const key = sha256(`${keyEnv}\n${JSON.stringify([...fields, r.profile, r.txtFallback, r.dnsServers])}`);
  const files = awsFilePaths(env);
  const stampNow = () => filesStamp(files);
  return { key, envHash: () => sha256(keyEnv), stamp: stampNow(), stampNow, request, env };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64');
}
