import { statSync } from 'node:fs';
import { externalDataInterceptor } from '@smithy/shared-ini-file-loader';
import type { AwsFiles } from '../src/aws/awsFilePaths.js';
import { fileStamp, notRegular, readRegularFile } from '../src/shared/readRegularFile.js';
import { notForDaemon } from './unservedCounts.js';

/**
 * A string that changes whenever one of the files is written, replaced, created or removed. Never
 * throws: a path that cannot be looked at, or is not a regular file, gives a part `unreadableFile`
 * reports. A look at the path (stat), which never blocks; reads open and check the file itself.
 */
export function filesStamp(paths: readonly string[]): string {
  return paths.map(pathStamp).join('|');
}

/**
 * Why the daemon leaves a request with this stamp to the plugin (a path it must not read: the
 * callers choose these paths, and a FIFO or a slow device would hold a credential fetch), or undefined.
 */
export function unreadableFile(paths: readonly string[], stamp: string): string | undefined {
  if (!stamp.includes('!')) return undefined;
  const parts = stamp.split('|');
  const at = parts.findIndex((part) => part.startsWith('!'));
  return `the AWS file ${paths[at]} ${parts[at]?.slice(1)}`;
}

function pathStamp(path: string): string {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(path, { throwIfNoEntry: false, bigint: false });
  } catch (error) {
    // EACCES, ELOOP, ENAMETOOLONG, EIO...: the plugin reads it itself and reports what it finds.
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOTDIR' ? '-' : `!cannot be looked at (${code ?? 'error'})`;
  }
  if (!stat) return '-';
  return stat.isFile() ? fileStamp(stat) : `!${notRegular(stat)}`;
}

// The AWS files handed to the SDK's shared-ini loader, by path, with the stamp they were read at.
const handedOver = new Map<string, string>();
const MAX_HANDED_OVER = 64;

/**
 * Reads the AWS files itself and hands their text to the SDK's shared-ini loader, which then never
 * opens them in this process: a FIFO swapped in after a check cannot block the threadpool, and no
 * file over the cap is held. The loader keeps what it read for the life of the process (right for
 * a CLI, wrong for a daemon), so files are read again whenever their stamp changed.
 */
export function refreshSharedIni(files: AwsFiles): void {
  for (const path of [files.config, files.credentials]) {
    let read: ReturnType<typeof readRegularFile>;
    try {
      read = readRegularFile(path);
    } catch (error) {
      // The plugin reads it itself and reports what it finds.
      throw notForDaemon('aws-file', (error as Error).message);
    }
    const stamp = read?.stamp ?? '-';
    if (handedOver.get(path) === stamp) continue;
    if (handedOver.size >= MAX_HANDED_OVER && !handedOver.has(path)) forgetSharedIni();
    externalDataInterceptor.interceptFile(path, read?.bytes.toString('utf8') ?? '');
    handedOver.set(path, stamp);
  }
}

/** Drops every file handed to the SDK's loader (`daemon flush`, or too many paths). */
export function forgetSharedIni(): void {
  const record = externalDataInterceptor.getFileRecord();
  for (const path of handedOver.keys()) delete record[path];
  handedOver.clear();
}
