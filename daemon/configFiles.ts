import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';

/** The AWS config and credentials files a caller's environment points at. */
export interface AwsFiles {
  config: string;
  credentials: string;
}

/**
 * The files as the SDK would find them in the caller's process: AWS_CONFIG_FILE and
 * AWS_SHARED_CREDENTIALS_FILE with `~/` expanded, else under the caller's HOME (not the daemon's).
 */
export function awsFilePaths(env: Record<string, string | undefined>): AwsFiles {
  const home = env.HOME || homedir();
  const expand = (path: string) => (path.startsWith('~/') ? join(home, path.slice(2)) : path);
  return {
    config: expand(env.AWS_CONFIG_FILE || join(home, '.aws', 'config')),
    credentials: expand(env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials')),
  };
}

/** A string that changes whenever either file is written, replaced, created or removed. */
export function filesStamp(files: AwsFiles): string {
  return `${fileStamp(files.config)}|${fileStamp(files.credentials)}`;
}

function fileStamp(path: string): string {
  const stat = statSync(path, { throwIfNoEntry: false, bigint: false });
  return stat ? `${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}` : '-';
}

const lastRead = new Map<string, string>();

/**
 * Makes the SDK's shared-ini loader reread these files when they changed. The loader keeps every file
 * it read in a module-level cache for the life of the process, which is right for a CLI and wrong for
 * a daemon; an `ignoreCache` read replaces that cached copy for everyone who reads the files later.
 */
export async function refreshSharedIni(files: AwsFiles, stamp: string): Promise<void> {
  const id = `${files.config}\n${files.credentials}`;
  if (lastRead.get(id) === stamp) return;
  await loadSharedConfigFiles({
    configFilepath: files.config,
    filepath: files.credentials,
    ignoreCache: true,
  });
  if (lastRead.size > 1000) lastRead.clear();
  lastRead.set(id, stamp);
}
