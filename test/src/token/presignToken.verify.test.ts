import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { resolveStsEndpoint } from '../../../src/aws/resolveStsEndpoint.js';
import { presignToken, TOKEN_PREFIX } from '../../../src/token/presignToken.js';
import { verifyPresignedUrl } from '../../helpers/sigv4.js';

// Tokens checked by test/helpers/sigv4.ts, a SigV4 verifier written from the spec, never by the signer.
const AT = Date.UTC(2026, 0, 2, 3, 4, 5);
const KEYS = { accessKeyId: 'AKIDFIXEDTIME', secretAccessKey: 'fixed/time+secret/key/for/the/verifier0' };
const secretFor = (id: string) => (id === KEYS.accessKeyId ? KEYS.secretAccessKey : undefined);
const REGIONS = [
  'eu-west-1',
  'cn-north-1',
  'us-gov-west-1',
  'us-iso-east-1',
  'us-isob-east-1',
  'eusc-de-east-1',
  'eu-isoe-west-1',
];

function urlOf(token: string): URL {
  return new URL(Buffer.from(token.slice(TOKEN_PREFIX.length), 'base64url').toString());
}

for (const sessionToken of [undefined, 'FwoGZXIvYXdzEJr//////////wEaDFixed+Session/Token=']) {
  test(`at a fixed time, in every partition${sessionToken ? ', with a session token' : ''}: the independent verifier accepts`, async () => {
    for (const region of REGIONS) {
      const endpoint = resolveStsEndpoint(region);
      const credentials = sessionToken ? { ...KEYS, sessionToken } : KEYS;
      const { token, expiresAt } = await presignToken({
        credentials,
        endpoint,
        clusterId: 'eks-green',
        now: AT,
      });
      const url = urlOf(token);
      const result = verifyPresignedUrl(
        url,
        { host: url.host, 'x-k8s-aws-id': 'eks-green' },
        { secretFor, now: AT + 60_000, lifetimeMs: 15 * 60_000 },
      );
      assert.ok(result.ok, `${region}: ${!result.ok ? result.reason : ''}`);
      assert.equal(result.region, endpoint.signingRegion);
      assert.equal(result.service, 'sts');
      assert.deepEqual(result.signedHeaders, ['host', 'x-k8s-aws-id']);
      assert.equal(result.sessionToken, sessionToken);
      assert.equal(url.searchParams.get('X-Amz-Date'), '20260102T030405Z');
      assert.equal(url.searchParams.get('X-Amz-Expires'), '60');
      assert.equal(expiresAt, AT + 14 * 60_000);
      // The same URL for another cluster name, or 16 minutes later, is refused.
      assert.equal(
        verifyPresignedUrl(url, { host: url.host, 'x-k8s-aws-id': 'eks-blue' }, { secretFor }).ok,
        false,
      );
      assert.equal(
        verifyPresignedUrl(
          url,
          { host: url.host, 'x-k8s-aws-id': 'eks-green' },
          { secretFor, now: AT + 16 * 60_000, lifetimeMs: 15 * 60_000 },
        ).ok,
        false,
      );
    }
  });
}

test('any cluster name, key and second: the verifier accepts exactly that name', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.stringMatching(/^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/),
      fc.stringMatching(/^[A-Za-z0-9/+]{40}$/),
      fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2035, 0, 1) }),
      async (cluster, secretAccessKey, now) => {
        const credentials = { accessKeyId: 'AKIDPROPERTY', secretAccessKey };
        const { token } = await presignToken({
          credentials,
          endpoint: resolveStsEndpoint('ap-south-1'),
          clusterId: cluster,
          now,
        });
        const url = urlOf(token);
        const lookup = () => secretAccessKey;
        assert.ok(
          verifyPresignedUrl(url, { host: url.host, 'x-k8s-aws-id': cluster }, { secretFor: lookup }).ok,
        );
        assert.equal(
          verifyPresignedUrl(url, { host: url.host, 'x-k8s-aws-id': `${cluster}x` }, { secretFor: lookup })
            .ok,
          false,
        );
      },
    ),
    { numRuns: 100 },
  );
});
