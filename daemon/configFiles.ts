import { statSync } from 'node:fs';
import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
import { awsFilePaths as awsPaths } from '../src/aws/awsFilePaths.js';
import { EksTokenError } from '../src/shared/EksTokenError.js';

/** The AWS config and credentials files a caller's environment points at. */
export interface AwsFiles {
  config: string;
  credentials: string;
}

/**
 * The files as the AWS CLI finds them in the caller's process: AWS_CONFIG_FILE and
 * AWS_SHARED_CREDENTIALS_FILE with `$VAR` and `~` expanded, else under the caller's HOME (not the daemon's).
 */
export function awsFilePaths(env: Record<string, string | undefined>): AwsFiles {
  return awsPaths(env);
}

/**
 * A string that changes whenever either file is written, replaced, created or removed. Never throws:
 * a path that cannot be looked at, or is not a regular file, gives a stamp `unreadableFile` reports.
 */
export function filesStamp(files: AwsFiles): string {
  return `${fileStamp(files.config)}|${fileStamp(files.credentials)}`;
}

/**
 * Why the daemon leaves a request with this stamp to the plugin (a path it must not read: the
 * callers choose these paths, and a FIFO or a slow device would hold one of the few threads every
 * caller's file reads share), or undefined.
 */
export function unreadableFile(files: AwsFiles, stamp: string): string | undefined {
  if (!stamp.includes('!')) return undefined;
  const [config = '', credentials = ''] = stamp.split('|');
  const [path, why] = config.startsWith('!') ? [files.config, config] : [files.credentials, credentials];
  return `the AWS file ${path} ${why.slice(1)}`;
}

function fileStamp(path: string): string {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(path, { throwIfNoEntry: false, bigint: false });
  } catch (error) {
    // EACCES, ELOOP, ENAMETOOLONG, EIO...: the plugin reads it itself and reports what it finds.
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOTDIR' ? '-' : `!cannot be looked at (${code ?? 'error'})`;
  }
  if (!stat) return '-';
  if (!stat.isFile())
    return `!is not a regular file${stat.isFIFO() ? ' (a FIFO)' : stat.isDirectory() ? ' (a directory)' : ''}`;
  return `${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;
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
  // Looked at again right before the read: what is read must be a regular file now.
  const problem = unreadableFile(files, filesStamp(files));
  if (problem) throw new EksTokenError('E_NOT_FOR_DAEMON', problem);
  await loadSharedConfigFiles({
    configFilepath: files.config,
    filepath: files.credentials,
    ignoreCache: true,
  });
  if (lastRead.size > 1000) lastRead.clear();
  lastRead.set(id, stamp);
}
