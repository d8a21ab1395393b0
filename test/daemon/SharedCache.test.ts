import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SharedCache } from '../../daemon/SharedCache.js';

interface Value {
  n: number;
  expiresAt: number;
}

function cache(clock: { t: number }, maxEntries = 3) {
  return new SharedCache<Value>({
    maxEntries,
    now: () => clock.t,
    idleMs: 30 * 60_000,
    expiresAt: (v) => v.expiresAt,
    freshUntil: (v) => v.expiresAt - 120_000,
  });
}

const stamp = () => 's';

test('callers of one key while it is being made share one produce call', async () => {
  const clock = { t: 0 };
  const c = cache(clock);
  let calls = 0;
  let release = () => {};
  const produce = () => {
    calls += 1;
    return new Promise<Value>((resolve) => {
      release = () => resolve({ n: calls, expiresAt: 840_000 });
    });
  };
  const waiting = Array.from({ length: 100 }, () => c.get('k', 's', produce, stamp));
  release();
  const values = await Promise.all(waiting);
  assert.equal(calls, 1);
  assert.ok(values.every((v) => v === values[0]));
  assert.equal(c.peek('k', 's'), values[0]);
  assert.equal([...c.entries()][0]?.hits, 1);
});

test('failures are shared but never cached', async () => {
  const c = cache({ t: 0 });
  let calls = 0;
  const failing = async (): Promise<Value> => {
    calls += 1;
    throw new Error('nope');
  };
  const results = await Promise.allSettled([
    c.get('k', 's', failing, stamp),
    c.get('k', 's', failing, stamp),
  ]);
  assert.deepEqual(
    results.map((r) => r.status),
    ['rejected', 'rejected'],
  );
  assert.equal(calls, 1);
  await assert.rejects(c.get('k', 's', failing, stamp));
  assert.equal(calls, 2);
  assert.equal(c.size, 0);
});

test('bounded LRU: the least recently used entry goes first', async () => {
  const clock = { t: 0 };
  const c = cache(clock, 3);
  const make = (n: number) => async () => ({ n, expiresAt: 840_000 });
  for (const key of ['a', 'b', 'c']) await c.get(key, 's', make(1), stamp);
  assert.ok(c.peek('a', 's'));
  await c.get('d', 's', make(2), stamp);
  assert.equal(c.size, 3);
  assert.equal(c.peek('b', 's'), undefined);
  assert.ok(c.peek('a', 's') && c.peek('c', 's') && c.peek('d', 's'));
});

test('a changed stamp or a value near expiry is a miss', async () => {
  const clock = { t: 0 };
  const c = cache(clock);
  await c.get('k', 's1', async () => ({ n: 1, expiresAt: 840_000 }), stamp);
  assert.ok(c.peek('k', 's1'));
  assert.equal(c.peek('k', 's2'), undefined);
  clock.t = 840_000 - 119_000;
  assert.equal(c.peek('k', 's1'), undefined);
  const renewed = await c.get('k', 's1', async () => ({ n: 2, expiresAt: clock.t + 840_000 }), stamp);
  assert.equal(renewed.n, 2);
});

test('renewal: only entries used lately and near expiry, and not those whose files changed', async () => {
  const clock = { t: 0 };
  const c = cache(clock, 10);
  let made = 0;
  const produce = async () => ({ n: ++made, expiresAt: clock.t + 14 * 60_000 });
  await c.get('idle', 's', produce, stamp);
  clock.t = 3 * 60_000;
  await c.get('used', 's', produce, stamp);
  await c.get('changed', 's', produce, () => 'other');
  clock.t = 13 * 60_000;
  assert.ok(c.peek('used', 's'));
  clock.t = 16 * 60_000;
  assert.equal(c.peek('used', 's'), undefined, 'within two minutes of expiry: not served');
  const renewals: Array<Promise<Value>> = [];
  c.renewDue(5 * 60_000, 15 * 60_000, (p) => renewals.push(p));
  assert.equal(renewals.length, 1);
  const renewed = await renewals[0];
  assert.equal(renewed?.expiresAt, 30 * 60_000);
  assert.equal(c.peek('used', 's'), renewed);
  assert.equal(c.size, 2, 'the entry made from changed files is dropped, not renewed');
  c.sweep();
  assert.equal(c.size, 1, 'the idle entry expired');
  assert.equal(c.clear(), 1);
});
