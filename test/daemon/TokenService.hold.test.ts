import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { EksTokenError } from '../../src/shared/EksTokenError.js';
import { startWorld, type World } from '../helpers/tokenServiceWorld.js';

// The daemon keeps credentials a plugin hands over only for a source its own fetch needed an MFA
// code for: same key (computed by the daemon), same AWS files, soon after, once, temporary keys.
const MIN = 60_000;
let world: World | undefined;

afterEach(async () => {
  await world?.close();
  world = undefined;
});

const held = (now: number, lifetimeMs = 60 * MIN) => ({
  accessKeyId: 'ASIAHELDBYPLUGIN0001',
  secretAccessKey: 'heldSecretKeyEXAMPLE/K7MDENG+bPxRfiCY',
  sessionToken: 'IQoJheld',
  expiration: new Date(now + lifetimeMs),
});

/** A world whose next credential fetch fails for want of an MFA code, as the child reports it. */
async function mfaWorld(): Promise<World> {
  world = await startWorld();
  world.credentials.failNext = new EksTokenError('E_MFA_REQUIRED', 'the profile needs an MFA code');
  await assert.rejects(world.mint(world.prepare('eks-blue', { fetched: true })), {
    code: 'E_MFA_REQUIRED',
  });
  return world;
}

describe('credentials handed over after an MFA prompt', () => {
  test('kept for the source that wanted a code: later calls, any cluster, need no fetch', async () => {
    const { service, mint, credentials, prepare, clock } = await mfaWorld();
    assert.equal(await service.hold(prepare('eks-blue', { fetched: true }), held(clock.now())), true);
    const fetches = credentials.fetches;
    assert.equal((await mint(prepare('eks-blue', { fetched: true }))).clusterName, 'eks-blue');
    assert.equal((await mint(prepare('eks-green', { fetched: true }))).clusterName, 'eks-green');
    assert.equal(credentials.fetches, fetches);
  });

  test('refused when the daemon never wanted a code for that source', async () => {
    world = await startWorld();
    const { service, mint, credentials, prepare, clock } = world;
    assert.equal(await service.hold(prepare('eks-blue', { fetched: true }), held(clock.now())), false);
    await mint(prepare('eks-blue', { fetched: true }));
    assert.equal(credentials.fetches, 1);
  });

  test('refused for another source (another region is another key)', async () => {
    const { service, prepare, clock } = await mfaWorld();
    const other = prepare('eks-blue', { fetched: true, region: 'us-west-2' });
    assert.equal(await service.hold(other, held(clock.now())), false);
  });

  test('refused after the hold window, and taken only once', async () => {
    const { service, mint, prepare, clock } = await mfaWorld();
    const request = prepare('eks-blue', { fetched: true });
    clock.advance(6 * MIN);
    assert.equal(await service.hold(request, held(clock.now())), false);
    (world as World).credentials.failNext = new EksTokenError(
      'E_MFA_REQUIRED',
      'the profile needs an MFA code',
    );
    await assert.rejects(mint(request), { code: 'E_MFA_REQUIRED' });
    assert.equal(await service.hold(request, held(clock.now())), true);
    assert.equal(await service.hold(request, held(clock.now())), false);
  });

  test('refused when expired, longer than 12 h, or without a session token', async () => {
    const { service, prepare, clock } = await mfaWorld();
    const request = prepare('eks-blue', { fetched: true });
    assert.equal(await service.hold(request, held(clock.now(), -1)), false);
    assert.equal(await service.hold(request, held(clock.now(), 13 * 60 * MIN)), false);
    assert.equal(await service.hold(request, { ...held(clock.now()), sessionToken: '' }), false);
    assert.equal(await service.hold(request, held(clock.now())), true);
  });

  test('flush forgets that a code was wanted', async () => {
    const { service, prepare, clock } = await mfaWorld();
    service.flush();
    assert.equal(await service.hold(prepare('eks-blue', { fetched: true }), held(clock.now())), false);
  });
});
