import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { resolveStsEndpoint } from '../../../src/aws/resolveStsEndpoint.js';
import { presignToken, TOKEN_PREFIX, tokenExpiry } from '../../../src/token/presignToken.js';
import { hasCommand } from '../../helpers/hasCommand.js';

const run = promisify(execFile);
const KEYS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const SESSION = 'IQoJb3JpZ2luX2VjEPT//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+test/token=';

/** Runs the real `aws eks get-token` and returns its token URL, X-Amz-Date as epoch ms and expiry. */
async function awsGetToken(cluster: string, region: string, env: Record<string, string>) {
  const { stdout } = await run('aws', ['eks', 'get-token', '--cluster-name', cluster, '--region', region], {
    env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent', AWS_EC2_METADATA_DISABLED: 'true', ...env },
  });
  const status = JSON.parse(stdout).status as { token: string; expirationTimestamp: string };
  const url = new URL(Buffer.from(status.token.slice(TOKEN_PREFIX.length), 'base64url').toString());
  const d = url.searchParams.get('X-Amz-Date') ?? '';
  const at = Date.UTC(
    +d.slice(0, 4),
    +d.slice(4, 6) - 1,
    +d.slice(6, 8),
    +d.slice(9, 11),
    +d.slice(11, 13),
    +d.slice(13, 15),
  );
  return { token: status.token, at, expiration: Date.parse(status.expirationTimestamp) };
}

const cases: Array<{
  name: string;
  region: string;
  env?: Record<string, string>;
  options?: Parameters<typeof resolveStsEndpoint>[1];
}> = [
  { name: 'aws regional', region: 'eu-west-1' },
  { name: 'aws-cn', region: 'cn-north-1' },
  { name: 'aws-us-gov', region: 'us-gov-west-1' },
  { name: 'aws-eusc', region: 'eusc-de-east-1' },
  { name: 'aws-iso', region: 'us-iso-east-1' },
  {
    name: 'legacy global endpoint',
    region: 'eu-west-1',
    env: { AWS_STS_REGIONAL_ENDPOINTS: 'legacy' },
    options: { stsRegionalEndpoints: 'legacy' },
  },
  { name: 'FIPS', region: 'us-east-2', env: { AWS_USE_FIPS_ENDPOINT: 'true' }, options: { useFips: true } },
  {
    name: 'dual-stack',
    region: 'ap-southeast-2',
    env: { AWS_USE_DUALSTACK_ENDPOINT: 'true' },
    options: { useDualStack: true },
  },
];

for (const withSession of [false, true]) {
  for (const c of cases) {
    test(`token equals aws eks get-token byte for byte: ${c.name}${withSession ? ', session token' : ''}`, {
      skip: !hasCommand('aws') && 'aws CLI not installed',
    }, async () => {
      const creds = withSession ? { ...KEYS, sessionToken: SESSION } : KEYS;
      const env: Record<string, string> = {
        AWS_ACCESS_KEY_ID: creds.accessKeyId,
        AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
        ...c.env,
      };
      if (withSession) env.AWS_SESSION_TOKEN = SESSION;
      const peer = await awsGetToken('eks-green', c.region, env);
      const returnedAt = Date.now();
      const ours = await presignToken({
        credentials: creds,
        endpoint: resolveStsEndpoint(c.region, c.options),
        clusterId: 'eks-green',
        now: peer.at,
      });
      assert.equal(ours.token, peer.token);
      assert.equal(ours.expiresAt, peer.at + 14 * 60_000);
      // The aws CLI reads the clock again after signing (get_expiration_time), so its expiry can
      // fall in a later second than X-Amz-Date; ours is tied to the signing second.
      assert.ok(peer.expiration >= ours.expiresAt, 'aws expiry is not before the signing second + 14 min');
      assert.ok(peer.expiration <= returnedAt + 14 * 60_000, 'aws expiry was read during its own run');
    });
  }
}

test('a token signed with credentials that expire sooner expires with them, one minute early', () => {
  const now = Date.UTC(2026, 0, 2, 3, 4, 5);
  assert.equal(tokenExpiry(now), now + 14 * 60_000);
  assert.equal(tokenExpiry(now, new Date(now + 5 * 60_000)), now + 4 * 60_000);
  assert.equal(tokenExpiry(now, new Date(now + 60 * 60_000)), now + 14 * 60_000);
  // Sub-second credential expiry rounds down: never later than the credentials.
  assert.equal(tokenExpiry(now, new Date(now + 5 * 60_000 + 999)), now + 4 * 60_000);
});

test('different cluster, second or key give different signatures', async () => {
  const endpoint = resolveStsEndpoint('eu-west-1');
  const now = Date.UTC(2026, 0, 2, 3, 4, 5);
  const base = await presignToken({ credentials: KEYS, endpoint, clusterId: 'eks-blue', now });
  const tokens = [
    await presignToken({ credentials: KEYS, endpoint, clusterId: 'eks-green', now }),
    await presignToken({ credentials: KEYS, endpoint, clusterId: 'eks-blue', now: now + 1000 }),
    await presignToken({
      credentials: { ...KEYS, secretAccessKey: 'x' },
      endpoint,
      clusterId: 'eks-blue',
      now,
    }),
  ];
  for (const t of tokens) assert.notEqual(t.token, base.token);
  assert.equal(
    (await presignToken({ credentials: KEYS, endpoint, clusterId: 'eks-blue', now })).token,
    base.token,
  );
});
