import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { EksTokenError } from './EksTokenError.js';

/** The largest AWS file read (config, credentials): real ones are a few KB, large ones ~100 KB. */
export const MAX_AWS_FILE_BYTES = 1024 * 1024;

/** A file's bytes and a stamp that changes whenever it is written or replaced. */
export interface RegularFile {
  bytes: Buffer;
  stamp: string;
}

/**
 * The one safe read of an AWS file: opened without blocking (a FIFO or a device opens at once) and
 * checked on the descriptor, not the path, so a file swapped in after a check is never read.
 * Undefined when there is none. A file over `maxBytes` is E_AWS_FILE; so is one that is not a
 * regular file or cannot be opened, unless `skip` is given: then it hears why and the file counts
 * as absent, as the AWS CLI skips it.
 */
export function readRegularFile(
  path: string,
  skip?: (problem: string) => void,
  maxBytes = MAX_AWS_FILE_BYTES,
): RegularFile | undefined {
  const refuse = (problem: string) => {
    if (!skip) throw awsFileError(path, problem);
    skip(problem);
    return undefined;
  };
  const fd = openNonBlocking(path);
  if (typeof fd === 'string')
    return fd === 'ENOENT' || fd === 'ENOTDIR' ? undefined : refuse(`cannot be opened (${fd})`);
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return refuse(notRegular(stat));
    if (stat.size > maxBytes) throw awsFileError(path, `is larger than ${maxBytes} bytes`);
    const buffer = Buffer.allocUnsafe(stat.size + 1);
    let length = 0;
    for (let n = 1; n > 0 && length < buffer.length; length += n)
      n = readSync(fd, buffer, length, buffer.length - length, null);
    // Grown past the cap while being read.
    if (length > maxBytes) throw awsFileError(path, `is larger than ${maxBytes} bytes`);
    return {
      bytes: buffer.subarray(0, length),
      stamp: fileStamp(stat),
    };
  } finally {
    closeSync(fd);
  }
}

/**
 * What is wrong with the file at `path` for reading (a FIFO or device, too large), or undefined;
 * looked at on a descriptor opened without blocking. For a caller whose reader (the AWS SDK) would
 * block on a FIFO: errors opening it are left to that reader.
 */
export function unreadableAwsFile(path: string, maxBytes = MAX_AWS_FILE_BYTES): EksTokenError | undefined {
  const fd = openNonBlocking(path);
  if (typeof fd === 'string') return undefined;
  try {
    const stat = fstatSync(fd);
    // A directory the AWS CLI skips as absent, and so does every reader here; it never blocks.
    if (stat.isDirectory()) return undefined;
    if (!stat.isFile()) return awsFileError(path, notRegular(stat));
    return stat.size > maxBytes ? awsFileError(path, `is larger than ${maxBytes} bytes`) : undefined;
  } finally {
    closeSync(fd);
  }
}

// A descriptor, or the code of the error opening it.
function openNonBlocking(path: string): number | string {
  try {
    return openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? 'error';
  }
}

/** A file's version: changes whenever it is written or replaced. */
export function fileStamp(stat: Stats): string {
  return `${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;
}

/** What a file that is not a regular file is, in the words of E_AWS_FILE. */
export function notRegular(stat: Stats): string {
  return `is not a regular file${stat.isFIFO() ? ' (a FIFO)' : stat.isDirectory() ? ' (a directory)' : ''}`;
}

function awsFileError(path: string, problem: string): EksTokenError {
  return new EksTokenError(
    'E_AWS_FILE',
    `the AWS file ${path} ${problem}`,
    'point AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE (or the profile) at a regular file under 1 MiB',
  );
}
