import { createHash } from 'node:crypto';
import { awsFilePaths } from '../src/aws/awsFilePaths.js';
import { checkProfileChain } from '../src/aws/checkProfileChain.js';
import { readAwsFiles } from '../src/aws/readAwsFiles.js';
import { plainValue } from '../src/aws/readAwsProfile.js';
import { isEksTokenError } from '../src/shared/EksTokenError.js';
import { filesStamp } from './filesStamp.js';
import { notForDaemon } from './UnservedCounts.js';

/** What a profile's credential chain reads and runs, as far as the AWS files say. */
export interface ProfileChain {
  /** The chain ends in a credential_process: a helper that may read anything of the caller's. */
  runsProcess: boolean;
  /** SSO token cache files the chain reads, relative to HOME (`.aws/sso/cache/<sha1>.json`). */
  ssoTokenFiles: string[];
  /** Web identity token files the chain reads, as written. */
  webIdentityFiles: string[];
}

// The chain of a profile in these files, remembered per file version: a cache hit reads no file.
const chains = new Map<string, { stamp: string; chain: ProfileChain }>();
const MAX_CHAINS = 256;

/**
 * The source botocore takes for `profile`, told by the plugin's own reader (`readAwsFiles`,
 * `checkProfileChain`), so the daemon's key and the plugin never disagree on it. Throws
 * E_NOT_FOR_DAEMON where the plugin fails the call: a file aws refuses or one over the cap
 * (`aws-file`), a chain aws stops at (`plugin-reports-error`).
 */
export function profileChain(
  profile: string,
  env: Record<string, string>,
  cwd: string | undefined,
): ProfileChain {
  const paths = awsFilePaths(env, cwd);
  const id = JSON.stringify([profile, paths.config, paths.credentials]);
  const stamp = filesStamp([paths.config, paths.credentials]);
  const known = chains.get(id);
  if (known?.stamp === stamp) return known.chain;
  let source: ReturnType<typeof checkProfileChain>[number] | undefined;
  try {
    source = checkProfileChain(readAwsFiles(env, {}, cwd), profile).at(-1);
  } catch (error) {
    if (!isEksTokenError(error)) throw error;
    const reason = error.code === 'E_AWS_FILE' ? 'aws-file' : 'plugin-reports-error';
    throw notForDaemon(reason, error.message);
  }
  const settings = source?.profile.settings ?? {};
  const chain: ProfileChain = {
    runsProcess: source?.kind === 'process',
    ssoTokenFiles: [],
    webIdentityFiles: [],
  };
  if (source?.kind === 'sso') {
    // The SDK's token cache file: the SHA-1 of the session name, or of the start URL (legacy).
    for (const name of [plainValue(settings.sso_session), plainValue(settings.sso_start_url)])
      if (name) chain.ssoTokenFiles.push(ssoCacheFile(name));
  }
  const webIdentity = plainValue(settings.web_identity_token_file);
  if (source?.kind === 'web-identity' && webIdentity) chain.webIdentityFiles.push(webIdentity);
  if (chains.size >= MAX_CHAINS) chains.clear();
  chains.set(id, { stamp, chain });
  return chain;
}

function ssoCacheFile(id: string): string {
  return `.aws/sso/cache/${createHash('sha1').update(id).digest('hex')}.json`;
}
