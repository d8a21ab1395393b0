// The AWS CLI's credential cache, ~/.aws/cli/cache, read and written as botocore does it (awscli's
// customizations/assumerole.py attaches botocore's JSONFileCache there to the assume-role and
// web-identity providers; SSO role credentials stay in memory in aws v1).
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../shared/writeFileAtomic.js';
import type { AwsCredentials } from './AwsCredentials.js';
import { type CachedRoleResponse, parseCachedResponse, renderCachedResponse } from './parseCachedResponse.js';

export type { CachedRoleResponse } from './parseCachedResponse.js';

type Env = Record<string, string | undefined>;

/** botocore's CachedCredentialFetcher.DEFAULT_EXPIRY_WINDOW_SECONDS: less left than this is expired. */
export const EXPIRY_WINDOW_MS = 15 * 60_000;
const MAX_FILE_BYTES = 64 * 1024;

/** The arguments botocore hashes into a file name (its AssumeRole/AssumeRoleWithWebIdentity kwargs). */
export type CacheKeyArgs = Record<string, string | number>;

/** False when EKS_TOKEN_CLI_CACHE=off: credentials then stay in memory only. */
export function cliCacheEnabled(env: Env): boolean {
  return env.EKS_TOKEN_CLI_CACHE?.trim().toLowerCase() !== 'off';
}

/** ~/.aws/cli/cache under the caller's HOME, as botocore expands `~`. */
export function cliCacheDir(env: Env): string {
  return join(env.HOME || homedir(), '.aws', 'cli', 'cache');
}

/**
 * botocore's file name: the SHA-1 of `json.dumps(args, sort_keys=True)` (Python's separators and
 * ASCII escapes), so both tools find each other's files.
 */
export function cliCacheKey(args: CacheKeyArgs): string {
  const body = Object.keys(args)
    .sort()
    .map((name) => `${pythonJson(name)}: ${pythonJson(args[name] as string | number)}`)
    .join(', ');
  return createHash('sha1').update(`{${body}}`, 'utf8').digest('hex');
}

function pythonJson(value: string | number): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) =>
    c === '\u007f' ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * The cached credentials for `roleArn` under `key` with at least the expiry window left, or
 * undefined: a missing, unreadable, foreign, group-writable, corrupt or wrong-shaped file, or one
 * STS wrote for another role, is not used (never an error).
 */
export async function readCliCache(
  dir: string,
  key: string,
  roleArn: string,
  now: number,
): Promise<AwsCredentials | undefined> {
  let text: string;
  try {
    if (!(await trustedDir(dir))) return undefined;
    // O_NOFOLLOW: a link in the cache is not ours to follow.
    const handle = await open(join(dir, `${key}.json`), constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const info = await handle.stat();
      if (!info.isFile() || !ownedSafely(info) || info.size > MAX_FILE_BYTES) return undefined;
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
  const cached = parseCachedResponse(text, roleArn);
  if (!cached || cached.credentials.expiration.getTime() - now < EXPIRY_WINDOW_MS) return undefined;
  return cached.credentials;
}

/** Writes STS's answer where botocore would (0600 file, 0700 directory when created, atomically); never throws. */
export async function writeCliCache(dir: string, key: string, response: CachedRoleResponse): Promise<void> {
  try {
    // Under an existing home only: a HOME that does not exist is no place to create one.
    if (!(await stat(join(dir, '..', '..', '..'))).isDirectory()) return;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    if (!(await trustedDir(dir))) return;
    await writeFileAtomic(join(dir, `${key}.json`), renderCachedResponse(response), 0o600);
  } catch {
    // A cache that cannot be written costs the next call a round trip, nothing more.
  }
}

// Ours and writable by nobody else: anything another user could have put there is not credentials of ours.
async function trustedDir(dir: string): Promise<boolean> {
  try {
    const info = await stat(dir);
    // botocore makes it with the umask's mode (0775 under a user-private group): only others' write counts.
    return info.isDirectory() && ownedSafely({ uid: info.uid, mode: info.mode & 0o757 });
  } catch {
    return false;
  }
}

function ownedSafely(info: { uid: number; mode: number }): boolean {
  const uid = process.getuid?.();
  return (uid === undefined || info.uid === uid) && (info.mode & 0o022) === 0;
}
