import { externalDataInterceptor } from '@smithy/shared-ini-file-loader';
import type { AwsFiles } from '../src/aws/awsFilePaths.js';
import { readRegularFile } from '../src/shared/readRegularFile.js';
import { notForDaemon } from './UnservedCounts.js';

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
