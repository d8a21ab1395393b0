// Which of the caller's settings decide the identity behind a token and how its credentials are
// fetched and trusted: the one place that says so. The credential source the caller's settings
// select is decided without network, by the plugin's own reader of the AWS files (profileChain.ts),
// and only what that source can see keys the cache:
//
// - keys in the environment, or a profile whose chain ends in no credential_process (static keys in
//   the files, role chains over them, SSO, web identity, container and instance credentials): the
//   AWS_* variables, the variables of transport and trust (TRANSPORT_ENV), HOME and the AWS file
//   paths; the files' contents count through their stamps (`CallerIdentity.files`);
// - a chain that ends in a credential_process: the helper may read any variable and its working
//   directory, so every variable but the per-shell noise (NOISE_ENV, exact names) and the working
//   directory, where the helper then runs.
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { awsFilePaths, callerPath } from '../src/aws/awsFilePaths.js';
import { resolveProfileName } from '../src/aws/resolveProfileSettings.js';
import { staticEnvCredentials } from '../src/aws/staticEnvCredentials.js';
import type { TokenRequest } from '../src/token/TokenRequest.js';
import { filesStamp } from './filesStamp.js';
import { NOISE_ENV } from './noiseEnv.js';
import { profileChain } from './profileChain.js';
import { TRANSPORT_ENV } from './transportEnv.js';
import { notForDaemon } from './UnservedCounts.js';

/** The credential source a caller's settings select, as far as the cache key cares. */
export type SourceKind = 'environment-keys' | 'aws-files' | 'credential-process';

const AWS_PATH_VARIABLES = [
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
];

/** What decides a caller's identity: the source, a hash of what it sees, and the files it reads. */
export interface CallerIdentity {
  kind: SourceKind;
  /** SHA-256 of what the source sees (static keys only inside the hash, never stored). */
  hash: string;
  /** The files whose contents the source reads; their stamps version every entry of this caller. */
  files: string[];
}

/**
 * The caller's identity for a request with `profileFlag` (--profile), from its environment and
 * working directory. Reads only the AWS config and credentials files (opened without blocking, size
 * capped). Throws E_NOT_FOR_DAEMON for what the daemon must leave to the plugin: an AWS file it must
 * not read, a chain the plugin refuses, or a credential_process chain from a caller that did not
 * send its working directory.
 */
export function callerIdentity(
  profileFlag: string | undefined,
  env: Record<string, string>,
  cwd: string | undefined,
): CallerIdentity {
  const home = env.HOME || homedir();
  // A relative path is read from the caller's directory: without it, the daemon cannot know which.
  const unplaced = (path: string | undefined) =>
    cwd === undefined && path !== undefined && path !== '' && !isAbsolute(path) && !path.startsWith('~/');
  const relativeError = () =>
    notForDaemon('no-working-directory', 'an AWS file path is relative and the working directory unknown');
  if (AWS_PATH_VARIABLES.some((name) => unplaced(env[name]))) throw relativeError();
  const paths = awsFilePaths(env, cwd);
  const files = [paths.config, paths.credentials];
  const fromEnvKeys = staticEnvCredentials(env, profileFlag) !== undefined;
  const chain = fromEnvKeys ? undefined : profileChain(resolveProfileName(profileFlag, env), env, cwd);
  const kind: SourceKind = fromEnvKeys
    ? 'environment-keys'
    : chain?.runsProcess
      ? 'credential-process'
      : 'aws-files';
  if (chain?.webIdentityFiles.some(unplaced)) throw relativeError();
  if (chain) {
    files.push(...chain.ssoTokenFiles.map((file) => join(home, file)));
    files.push(...chain.webIdentityFiles.map((file) => callerPath(file, home, cwd, env)));
  }
  for (const name of ['AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE'])
    if (env[name]) files.push(callerPath(env[name], home, cwd, env));
  if (kind === 'credential-process') {
    if (cwd === undefined)
      throw notForDaemon('no-working-directory', 'a credential_process helper needs the working directory');
    const seen = Object.keys(env)
      .filter((name) => !NOISE_ENV.has(name))
      .sort()
      .map((name) => [name, env[name]]);
    return { kind, hash: sha256(JSON.stringify([kind, cwd, files, seen])), files };
  }
  const seen = Object.keys(env)
    .filter((name) => name.startsWith('AWS_') || TRANSPORT_ENV.has(name))
    .sort()
    .map((name) => [name, env[name]]);
  return { kind, hash: sha256(JSON.stringify([kind, home, files, seen])), files };
}

/** The stamp of the caller's files now: changes whenever one is written, replaced, created or removed. */
export function identityStamp(identity: CallerIdentity): string {
  return filesStamp(identity.files);
}

/**
 * The key of a credential source: everything the credentials for a resolved request depend on,
 * without the cluster (one AssumeRole serves every cluster of a role). Every path that caches
 * credentials computes it here.
 */
export function credentialSourceKey(
  resolved: TokenRequest & { region: string; endpoint: { host: string } },
  identity: CallerIdentity,
): string {
  const { profile, region, roleArn, externalId, sessionName, forwardSessionName, endpoint } = resolved;
  const source = [identity.hash, profile, region, roleArn, externalId, sessionName, forwardSessionName];
  return sha256(JSON.stringify([...source, endpoint.host]));
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64');
}
