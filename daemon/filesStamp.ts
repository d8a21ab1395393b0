import { statSync } from 'node:fs';
import { fileStamp, notRegular } from '../src/shared/readRegularFile.js';

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
