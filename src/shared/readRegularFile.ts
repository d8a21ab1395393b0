import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { EksTokenError } from './EksTokenError.js';

/** The largest AWS file read (config, credentials): real ones are a few KB, large ones ~100 KB. */
export const MAX_AWS_FILE_BYTES = 1024 * 1024;

/** A file's text and a stamp that changes whenever it is written or replaced. */
export interface RegularFile {
  text: string;
  stamp: string;
}

/**
 * Reads a file only if what was opened is a regular file of at most `maxBytes`: opened without
 * blocking (a FIFO or a device opens at once) and checked on the descriptor, not the path, so a
 * file swapped in after a check is never read. Undefined when there is none; E_AWS_FILE otherwise.
 */
export function readRegularFile(path: string, maxBytes = MAX_AWS_FILE_BYTES): RegularFile | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw awsFileError(path, `cannot be opened (${code ?? 'error'})`);
  }
  try {
    const stat = fstatSync(fd);
    const problem = statProblem(stat, maxBytes);
    if (problem) throw awsFileError(path, problem);
    const buffer = Buffer.allocUnsafe(Math.min(stat.size, maxBytes) + 1);
    let length = 0;
    for (let n = 1; n > 0 && length < buffer.length; length += n)
      n = readSync(fd, buffer, length, buffer.length - length, null);
    // Grown past the cap while being read.
    if (length > maxBytes) throw awsFileError(path, `is larger than ${maxBytes} bytes`);
    return {
      text: buffer.toString('utf8', 0, length),
      stamp: `${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`,
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
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch {
    return undefined;
  }
  try {
    const stat = fstatSync(fd);
    // A directory the AWS CLI skips as absent, and so does every reader here; it never blocks.
    if (stat.isDirectory()) return undefined;
    const problem = statProblem(stat, maxBytes);
    return problem ? awsFileError(path, problem) : undefined;
  } finally {
    closeSync(fd);
  }
}

function statProblem(stat: ReturnType<typeof fstatSync>, maxBytes: number): string | undefined {
  if (!stat.isFile())
    return `is not a regular file${stat.isFIFO() ? ' (a FIFO)' : stat.isDirectory() ? ' (a directory)' : ''}`;
  if (stat.size > maxBytes) return `is larger than ${maxBytes} bytes`;
  return undefined;
}

function awsFileError(path: string, problem: string): EksTokenError {
  return new EksTokenError(
    'E_AWS_FILE',
    `the AWS file ${path} ${problem}`,
    'point AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE (or the profile) at a regular file under 1 MiB',
  );
}
