import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { median, medianInterval, percentile } from '../../bench/stats.js';

test('percentiles by nearest rank', () => {
  const values = Array.from({ length: 100 }, (_, i) => 100 - i);
  assert.equal(median(values), 50);
  assert.equal(percentile(values, 99), 99);
  assert.equal(percentile([], 50), 0);
});

test('the median interval holds the median, lies within the samples and narrows with more of them', () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 1, maxLength: 300 }),
      (xs) => {
        const { median: m, low, high } = medianInterval(xs);
        assert.ok(low <= m && m <= high, `${low} ${m} ${high}`);
        assert.ok(low >= Math.min(...xs) && high <= Math.max(...xs));
      },
    ),
  );
  // 1..100: the sign test's 95% bounds for the median are the 40th and 61st values.
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.deepEqual(medianInterval(hundred), { median: 50, low: 40, high: 61 });
  const tenThousand = Array.from({ length: 10_000 }, (_, i) => i + 1);
  const wide = medianInterval(tenThousand);
  assert.ok(wide.high - wide.low < 200, JSON.stringify(wide));
});
