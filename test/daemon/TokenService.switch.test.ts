import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { RECORD, startWorld } from '../helpers/tokenServiceWorld.js';

type Color = 'eks-blue' | 'eks-green';
type Step = { wait: number } | { ask: true } | { switchIn: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  // Mostly short waits, which land near TTLs and DNS delays; some past renewals and expiry.
  fc.record({ wait: fc.oneof(fc.integer({ min: 0, max: 3_000 }), fc.integer({ min: 0, max: 60_000 })) }),
  fc.record({ ask: fc.constant(true as const) }),
  fc.record({ switchIn: fc.integer({ min: 0, max: 3_000 }) }),
);

test('property: once the record has named another cluster for its TTL, no answer names the old one', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 40 }),
      fc.integer({ min: 0, max: 2_000 }),
      fc.array(step, { minLength: 1, maxLength: 30 }),
      async (ttl, delayMs, steps) => {
        const { clock, pass, answer, script, prepare, close } = await startWorld();
        try {
          script.ttl = ttl;
          script.delayMs = delayMs;
          // When the record stopped naming each cluster; a cluster it names now is absent.
          const stoppedAt = new Map<string, number>();
          for (const s of steps) {
            if ('wait' in s) await pass(s.wait);
            else if ('switchIn' in s)
              // A timer, so the change may land while a DNS answer is on its way back.
              clock.timers.setTimeout(() => {
                const old = script.answer as Color;
                script.answer = old === 'eks-blue' ? 'eks-green' : 'eks-blue';
                stoppedAt.set(old, clock.now());
                stoppedAt.delete(script.answer);
              }, s.switchIn);
            else {
              const askedAt = clock.now();
              const { clusterName } = await answer(prepare(RECORD));
              const stopped = stoppedAt.get(clusterName);
              if (stopped !== undefined)
                assert.ok(
                  askedAt < stopped + ttl * 1000,
                  `asked at +${askedAt - stopped} ms after the record stopped naming ${clusterName} (TTL ${ttl} s)`,
                );
            }
          }
        } finally {
          await close();
        }
      },
    ),
    {
      numRuns: 50,
      examples: [
        // The record changes while the answer naming the old cluster is on its way back.
        [1, 2_000, [{ switchIn: 500 }, { ask: true }, { ask: true }]],
        [5, 0, [{ ask: true }, { wait: 1_000 }, { switchIn: 0 }, { wait: 5_000 }, { ask: true }]],
      ],
    },
  );
});
