import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SharedCache } from '../../daemon/SharedCache.js';
import { isEksTokenError } from '../../src/shared/EksTokenError.js';

interface Value {
  expiresAt: number;
}

const cache = () =>
  new SharedCache<Value>({
    maxEntries: 8,
    now: () => 0,
    idleMs: 60_000,
    expiresAt: (v) => v.expiresAt,
    freshUntil: (v) => v.expiresAt,
  });

/** A produce call that waits for its signal and reports it. */
function abortable() {
  const seen: AbortSignal[] = [];
  const produce = (signal: AbortSignal) => {
    seen.push(signal);
    return new Promise<Value>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
  };
  return { seen, produce };
}

test('shared making is aborted only once every caller waiting for it has gone', async () => {
  const c = cache();
  const { seen, produce } = abortable();
  const callers = [new AbortController(), new AbortController(), new AbortController()];
  const waits = callers.map((caller) => c.get('k', 's', produce, () => 's', caller.signal));
  assert.equal(seen.length, 1, 'one produce call for all');
  callers[0]?.abort();
  callers[1]?.abort();
  assert.equal(seen[0]?.aborted, false, 'one caller still waits');
  callers[2]?.abort();
  assert.equal(seen[0]?.aborted, true);
  for (const wait of waits)
    await assert.rejects(wait, (e: unknown) => isEksTokenError(e) && e.code === 'E_CLIENT_GONE');
});

test('a caller without a signal (a renewal) keeps the making going; a caller after an abort starts anew', async () => {
  const c = cache();
  const { seen, produce } = abortable();
  const gone = new AbortController();
  const first = c.get('k', 's', produce, () => 's', gone.signal);
  gone.abort();
  await assert.rejects(first);
  const pinned = c.get('k', 's', produce, () => 's');
  assert.equal(seen.length, 2, 'a new making after the aborted one');
  const leaving = new AbortController();
  const joined = c.get('k', 's', produce, () => 's', leaving.signal);
  leaving.abort();
  assert.equal(seen[1]?.aborted, false, 'kept for the caller without a signal');
  void pinned.catch(() => {});
  void joined.catch(() => {});
});
