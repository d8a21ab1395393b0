import { MAX_LINE_BYTES } from '../src/protocol/DaemonRequest.js';

// As many rows as fit in the answer line a client accepts, with room for the rest of the status.
const STATUS_ROWS_BYTES = MAX_LINE_BYTES - 4096;

/**
 * Rows of the status answer, most recently used first, as many as fit in one answer line (a few
 * thousand; the cache may hold a million), with the count of all of them.
 */
export function statusEntries<T>(all: T[]): { entries: T[]; entryCount: number } {
  const entries: T[] = [];
  let bytes = 0;
  for (let i = all.length - 1; i >= 0; i--) {
    bytes += JSON.stringify(all[i]).length + 1;
    if (bytes > STATUS_ROWS_BYTES) break;
    entries.push(all[i] as T);
  }
  return { entries, entryCount: all.length };
}
