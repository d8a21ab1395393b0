import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { EksTokenError } from '../../src/shared/EksTokenError.js';
import { RECORD, signedAt, startWorld, T0, type World } from '../helpers/tokenServiceWorld.js';

const MIN = 60_000;
let world: World | undefined;

afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function start(options: { maxEntries?: number } = {}): Promise<World> {
  world = await startWorld(options);
  return world;
}

describe('cache and shared minting', () => {
  test('callers asking at once share one mint and one credential fetch; later calls are hits', async () => {
    const { service, mint, lookup, credentials, prepare } = await start();
    credentials.hold();
    const asking = Array.from({ length: 20 }, () => mint(prepare('eks-blue', { fetched: true })));
    credentials.release();
    const replies = await Promise.all(asking);
    assert.equal(credentials.fetches, 1);
    assert.equal(new Set(replies.map((r) => r.token)).size, 1);
    assert.ok(replies.every((r) => !r.cached && r.clusterName === 'eks-blue'));
    const hit = lookup(prepare('eks-blue', { fetched: true }));
    assert.equal(hit?.token, replies[0]?.token);
    assert.equal(hit?.cached, true);
    assert.equal(signedAt(hit, 'eks-blue'), T0);
    assert.deepEqual(
      { hits: service.counters.hits, misses: service.counters.misses },
      { hits: 1, misses: 20 },
    );
  });

  test('a failed mint is not cached: the next call fetches again', async () => {
    const { service, mint, lookup, credentials, prepare } = await start();
    credentials.failNext = new EksTokenError('E_CREDENTIALS', 'no credentials');
    await assert.rejects(mint(prepare('eks-blue', { fetched: true })), { code: 'E_CREDENTIALS' });
    assert.equal(lookup(prepare('eks-blue', { fetched: true })), undefined);
    assert.equal((await mint(prepare('eks-blue', { fetched: true }))).clusterName, 'eks-blue');
    assert.equal(credentials.fetches, 2);
    assert.equal(service.counters.errors, 1);
  });

  test('beyond maxEntries the least recently used token goes', async () => {
    const { service, mint, lookup, prepare } = await start({ maxEntries: 2 });
    await mint(prepare('eks-one'));
    await mint(prepare('eks-two'));
    assert.ok(lookup(prepare('eks-one')));
    await mint(prepare('eks-three'));
    assert.deepEqual(
      service.entries().map((e) => e.cluster),
      ['eks-one', 'eks-three'],
    );
    assert.equal(lookup(prepare('eks-two')), undefined);
    assert.ok(lookup(prepare('eks-one')));
  });

  test('flush forgets tokens, credentials and remembered names', async () => {
    const { service, mint, lookup, credentials, script, prepare } = await start();
    await mint(prepare(RECORD));
    await mint(prepare('eks-blue', { fetched: true }));
    assert.equal(service.flush(), 2);
    assert.equal(lookup(prepare('eks-blue', { fetched: true })), undefined);
    await mint(prepare('eks-blue', { fetched: true }));
    assert.equal(credentials.fetches, 2);
    script.answer = 'SERVFAIL';
    await assert.rejects(mint(prepare(RECORD)), { code: 'E_DNS_FAILED' });
  });

  test('close stops the timers and the credential fetches', async () => {
    const { service, clock, credentials } = await start();
    assert.equal(clock.armed, 1);
    service.close();
    assert.equal(clock.armed, 0);
    assert.equal(credentials.closed, true);
  });
});

describe('renewal', () => {
  test('a token in use is renewed ahead of expiry by the service itself, and stays a hit', async () => {
    const { service, mint, lookup, pass, prepare } = await start();
    const first = await mint(prepare('eks-blue'));
    assert.equal(first.expiresAt, T0 + 14 * MIN);
    await pass(9 * MIN);
    assert.equal(lookup(prepare('eks-blue'))?.token, first.token);
    assert.equal(service.counters.renewals, 0);
    // The next maintenance pass (every 20 s) finds it within 5 minutes of expiry and used: renewed.
    await pass(20_000);
    assert.equal(service.counters.renewals, 1);
    // Past the first token's freshness (2 minutes before its expiry): served the renewed one.
    await pass(4 * MIN);
    const renewed = lookup(prepare('eks-blue'));
    assert.equal(signedAt(renewed, 'eks-blue'), T0 + 9 * MIN + 20_000);
    assert.equal(renewed?.expiresAt, T0 + 23 * MIN + 20_000);
    assert.equal(service.counters.misses, 1);
  });

  test('renewal stops 15 minutes after the last use; the token is dropped when it expires', async () => {
    const { service, mint, pass, prepare } = await start();
    await mint(prepare('eks-blue'));
    await pass(15 * MIN);
    assert.equal(service.counters.renewals, 1);
    assert.deepEqual(
      service.entries().map((e) => [e.cluster, e.expiresInSeconds]),
      [['eks-blue', 8 * 60 + 20]],
    );
    await pass(8 * MIN + 20_000);
    assert.equal(service.counters.renewals, 1);
    assert.deepEqual(service.entries(), []);
  });

  test('credentials are fetched again before they expire, and renewed tokens are signed with them', async () => {
    const { service, mint, lookup, pass, credentials, prepare } = await start();
    credentials.lifetimeMs = 20 * MIN;
    const first = await mint(prepare('eks-blue', { fetched: true }));
    // Capped by the credentials' expiry, less the safety minute.
    assert.equal(first.expiresAt, T0 + 14 * MIN);
    for (let minute = 1; minute <= 30; minute++) {
      await pass(MIN);
      assert.ok(lookup(prepare('eks-blue', { fetched: true })), `a hit at minute ${minute}`);
    }
    // Renewed at 9:20, 14:20 (with new credentials: the first were past 10 of their 20 minutes),
    // 23:40 and 28:40 (new credentials again).
    assert.equal(service.counters.renewals, 4);
    assert.equal(credentials.fetches, 3);
    assert.equal(service.counters.misses, 1);
  });
});

describe('credentials without an expiry', () => {
  test('are reused for 30 s at most, and so are the tokens signed with them', async () => {
    const { mint, lookup, pass, credentials, prepare } = await start();
    credentials.lifetimeMs = undefined;
    await mint(prepare('eks-blue', { fetched: true }));
    await pass(29_000);
    assert.ok(lookup(prepare('eks-blue', { fetched: true })), 'a hit within 30 s');
    await pass(1000);
    assert.equal(lookup(prepare('eks-blue', { fetched: true })), undefined, 'a miss at 30 s');
    await mint(prepare('eks-blue', { fetched: true }));
    assert.equal(credentials.fetches, 2, 'fetched again, as the AWS CLI runs its helper again');
  });

  test("keys in the caller's environment are part of the key: their tokens are reused to the end", async () => {
    const { mint, lookup, pass, prepare } = await start();
    await mint(prepare('eks-blue'));
    await pass(5 * MIN);
    assert.ok(lookup(prepare('eks-blue')));
  });
});

describe('TXT names', () => {
  test('the cached token is served until the record TTL, then DNS is asked again', async () => {
    const { mint, lookup, clock, dns, script, prepare } = await start();
    script.ttl = 5;
    const first = await mint(prepare(RECORD));
    assert.equal(signedAt(first, 'eks-blue'), T0);
    // The token lasts as long as the answer, 30 s at least.
    assert.equal(first.expiresAt, T0 + 30_000);
    assert.equal(dns.queries.length, 1);
    clock.advance(4_999);
    assert.equal(lookup(prepare(RECORD))?.token, first.token);
    clock.advance(1);
    assert.equal(lookup(prepare(RECORD)), undefined);
    // Same answer: the cached token, after one query.
    const again = await mint(prepare(RECORD));
    assert.deepEqual([again.token, again.cached, dns.queries.length], [first.token, true, 2]);
    // The record changes 2 s later; the next check is due at 10 s, 5 s after the last question.
    clock.advance(2_000);
    script.answer = 'eks-green';
    assert.equal(lookup(prepare(RECORD))?.clusterName, 'eks-blue');
    clock.advance(2_999);
    assert.equal(lookup(prepare(RECORD))?.clusterName, 'eks-blue');
    clock.advance(1);
    assert.equal(lookup(prepare(RECORD)), undefined);
    const green = await mint(prepare(RECORD));
    assert.equal(signedAt(green, 'eks-green'), T0 + 10_000);
    assert.equal(green.cached, false);
  });

  test('a name checked again leaves the served token as it was: the same object, unchanged', async () => {
    const { service, clock, mint, prepare } = await start();
    await mint(prepare(RECORD));
    const served = service.lookup(prepare(RECORD));
    const before = { ...served };
    clock.advance(10_000);
    assert.deepEqual(await mint(prepare(RECORD)), { ...before, cached: true });
    // The next check is kept beside the token: due 10 s after the second question, not at once.
    assert.equal(service.lookup(prepare(RECORD)), served);
    assert.deepEqual({ ...served }, before);
    clock.advance(10_000);
    assert.equal(service.lookup(prepare(RECORD)), undefined);
  });

  test('the TTL counts from when DNS was asked, not from when it answered', async () => {
    const { mint, lookup, clock, script, prepare } = await start();
    script.delayMs = 3_000;
    const first = await mint(prepare(RECORD));
    assert.equal(clock.now(), T0 + 3_000);
    assert.equal(first.expiresAt, T0 + 30_000);
    clock.advance(6_999);
    assert.ok(lookup(prepare(RECORD)));
    clock.advance(1);
    assert.equal(lookup(prepare(RECORD)), undefined);
  });

  test('renewal asks DNS again and follows the record', async () => {
    const { service, mint, lookup, pass, script, prepare } = await start();
    script.ttl = 300;
    await mint(prepare(RECORD));
    script.answer = 'eks-green';
    await pass(20_000);
    assert.equal(service.counters.renewals, 1);
    // The renewal's answer restarts the TTL: the green token is served without asking again.
    const renewed = lookup(prepare(RECORD));
    assert.equal(signedAt(renewed, 'eks-green'), T0 + 20_000);
  });

  test('when DNS fails, the last good name serves with a warning; once DNS is back, the record again', async () => {
    const { mint, lookup, clock, pass, answer, script, prepare } = await start();
    await mint(prepare(RECORD));
    script.answer = 'SERVFAIL';
    clock.advance(16_000);
    const stale = await answer(prepare(RECORD));
    assert.equal(signedAt(stale, 'eks-blue'), T0 + 16_000);
    assert.equal(stale.warnings.length, 1);
    assert.match(
      stale.warnings[0] ?? '',
      /^eks-token: warning: DNS lookup of TXT record eks\.devinfra\.test failed: .*last good answer 0 min ago$/,
    );
    // A few minutes at most, so a changed record is picked up soon after DNS is back.
    assert.equal(stale.expiresAt, T0 + 16_000 + 5 * MIN);
    // Every answer made from the remembered name carries the warning, cached or not.
    assert.deepEqual(lookup(prepare(RECORD))?.warnings, stale.warnings);
    script.answer = 'eks-green';
    await pass(30_000);
    const green = await answer(prepare(RECORD));
    assert.equal(green.clusterName, 'eks-green');
    assert.deepEqual(green.warnings, []);
  });

  test('a remembered name older than an hour is not used', async () => {
    const { mint, pass, script, prepare } = await start();
    await mint(prepare(RECORD));
    script.answer = 'SERVFAIL';
    await pass(61 * MIN);
    await assert.rejects(mint(prepare(RECORD)), { code: 'E_DNS_FAILED' });
  });
});
