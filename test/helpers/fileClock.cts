/**
 * Preload for `node -r`: Date.now returns the number of ms in the file FILE_CLOCK_PATH, read on every
 * call, so that a test moves a process's wall clock (a record's TTL, a token's expiry) by rewriting
 * the file (write and rename, never in place), never by waiting. The clock stands still meanwhile.
 */
import { readFileSync } from 'node:fs';

const path = process.env.FILE_CLOCK_PATH;
if (path) Date.now = () => Number(readFileSync(path, 'utf8'));
