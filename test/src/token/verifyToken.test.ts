import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { type TokenCheck, verifyToken } from '../../../src/token/verifyToken.js';
import { checkEksToken, type EksAuthFailure } from '../../helpers/iamAuthenticator.js';
import { formatAmzDate } from '../../helpers/sigv4.js';
import { encodeEksToken, makeEksToken, presignGetCallerIdentity } from '../../helpers/testTokens.js';

// Tokens here are presigned by aws4 (test/helpers/testTokens.ts), never by the product's signer.
const KEYS = {
  accessKeyId: 'AKIDEXAMPLEVERIFY',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const TEMP = { ...KEYS, accessKeyId: 'ASIAEXAMPLEVERIFY', sessionToken: 'IQoJb3JpZ2luX2Vj+/=session' };
const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);
const MIN = 60_000;

const url = (o: Partial<Parameters<typeof presignGetCallerIdentity>[0]> = {}) =>
  presignGetCallerIdentity({ credentials: KEYS, clusterName: 'prod', now: NOW, ...o });

function failsWith(token: string, check: TokenCheck, now = NOW): void {
  const verdict = verifyToken(token, now);
  assert.equal(verdict.ok ? 'ok' : verdict.check, check, verdict.ok ? token : verdict.reason);
}

test('tokens as the AWS tools mint them pass, with their facts', () => {
  const plain = verifyToken(
    makeEksToken({ credentials: KEYS, clusterName: 'prod', now: NOW }),
    NOW + 14 * MIN,
  );
  assert.ok(plain.ok);
  assert.equal(plain.facts.stsHost, 'sts.eu-west-1.amazonaws.com');
  assert.equal(plain.facts.accessKeyId, KEYS.accessKeyId);
  assert.equal(plain.facts.signingRegion, 'eu-west-1');
  assert.deepEqual(plain.facts.signedHeaders, ['host', 'x-k8s-aws-id']);
  assert.equal(plain.facts.hasSessionToken, false);
  assert.equal(plain.facts.signedAt, NOW);
  assert.equal(plain.facts.validUntil, NOW + 15 * MIN);
  const hosts: Array<[string, string]> = [
    ['cn-north-1', 'sts.cn-north-1.amazonaws.com.cn'],
    ['us-gov-west-1', 'sts.us-gov-west-1.amazonaws.com'],
    ['us-east-1', 'sts.amazonaws.com'],
    ['us-east-2', 'sts-fips.us-east-2.amazonaws.com'],
    ['eu-west-1', 'sts.eu-west-1.api.aws'],
    ['us-isob-east-1', 'sts.us-isob-east-1.sc2s.sgov.gov'],
  ];
  for (const [region, host] of hosts) {
    const verdict = verifyToken(
      makeEksToken({ credentials: TEMP, clusterName: 'c', now: NOW, region, host }),
      NOW,
    );
    assert.ok(verdict.ok && verdict.facts.hasSessionToken && verdict.facts.stsHost === host, host);
  }
});

test('each check fails with its own stable name', () => {
  failsWith(`k8s-aws-v1.${'A'.repeat(4090)}`, 'length');
  failsWith(`k8s-aws-v2.${encodeEksToken(url()).slice(11)}`, 'prefix');
  failsWith(`${makeEksToken({ credentials: KEYS, clusterName: 'p', now: NOW })}=`, 'base64url');
  failsWith('k8s-aws-v1.a+b/', 'base64url');
  failsWith('k8s-aws-v1.A', 'base64url');
  failsWith(encodeEksToken('not a url at all'), 'url');
  failsWith(encodeEksToken(`${url()}\n`), 'url');
  failsWith(encodeEksToken(url().replace('https:', 'http:')), 'scheme');
  failsWith(encodeEksToken(url().replace('amazonaws.com/', 'amazonaws.com:443/')), 'host');
  failsWith(encodeEksToken(url({ host: 'sts.eu-west-1.amazonaws.com.evil.example' })), 'host');
  failsWith(encodeEksToken(url({ host: 'sts-fips.eu-west-1.amazonaws.com' })), 'host');
  failsWith(encodeEksToken(url().replace('.com/?', '.com/x?')), 'path');
  failsWith(encodeEksToken(url().replace('.com/?', '.com/%zz?')), 'url');
  failsWith(encodeEksToken(`${url()}&a=%zz`), 'query');
  failsWith(encodeEksToken(`${url()}&a=1;b=2`), 'query');
  failsWith(
    makeEksToken({ credentials: KEYS, clusterName: 'p', now: NOW, extraQuery: { foo: 'bar' } }),
    'query-key',
  );
  failsWith(encodeEksToken(`${url()}&action=GetCallerIdentity`), 'query-once');
  failsWith(makeEksToken({ credentials: KEYS, clusterName: 'p', now: NOW, action: 'AssumeRole' }), 'action');
  failsWith(
    makeEksToken({ credentials: KEYS, clusterName: 'p', now: NOW, signClusterId: false }),
    'signed-cluster-id',
  );
  failsWith(makeEksToken({ credentials: KEYS, clusterName: 'p', now: NOW, expires: 901 }), 'expires');
  failsWith(makeEksToken({ credentials: KEYS, clusterName: 'p', now: NOW, expires: -1 }), 'expires');
  failsWith(makeEksToken({ credentials: KEYS, clusterName: 'p', now: NOW, expires: null }), 'expires');
  failsWith(encodeEksToken(url().replace(/&X-Amz-Date=[^&]*/, '')), 'date-present');
  failsWith(encodeEksToken(url().replace(/X-Amz-Date=[^&]*/, 'X-Amz-Date=20250230T000000Z')), 'date-format');
  failsWith(
    encodeEksToken(url().replace(/X-Amz-Date=[^&]*/, 'X-Amz-Date=2025-06-01T12:00:00Z')),
    'date-format',
  );
  failsWith(
    makeEksToken({ credentials: KEYS, clusterName: 'p', now: NOW }),
    'date-expired',
    NOW + 15 * MIN + 1000,
  );
  failsWith(makeEksToken({ credentials: KEYS, clusterName: 'p', now: NOW + 16 * MIN }), 'date-future');
  // X-Amz-Expires 0 and 900 are the edges EKS still accepts.
  assert.ok(verifyToken(makeEksToken({ credentials: KEYS, clusterName: 'p', now: NOW, expires: 0 }), NOW).ok);
  assert.ok(
    verifyToken(makeEksToken({ credentials: KEYS, clusterName: 'p', now: NOW, expires: 900 }), NOW).ok,
  );
});

// The same checks restated independently in test/helpers/iamAuthenticator.ts, by their names there.
const SAME: Record<TokenCheck, EksAuthFailure | undefined> = {
  length: 'token-too-long',
  prefix: 'bad-prefix',
  base64url: 'bad-base64',
  url: 'bad-url',
  scheme: 'bad-scheme',
  host: 'bad-host',
  path: 'bad-path',
  query: 'malformed-query',
  'query-key': 'query-key-not-allowed',
  'query-once': 'query-key-duplicated',
  action: 'bad-action',
  'signed-cluster-id': 'cluster-id-not-signed',
  expires: 'bad-expires',
  'date-present': 'missing-date',
  'date-format': 'bad-date',
  'date-expired': 'date-expired',
  'date-future': undefined,
};

test('property: mutated tokens get the same verdict as the independent authenticator model', () => {
  const pick = <T>(items: T[]) => fc.constantFrom(...items);
  const mutation = fc.oneof(
    pick([
      'sts.amazonaws.com',
      'sts.amazonaws.com:443',
      'STS.amazonaws.com',
      'sts.moon-1.amazonaws.com',
      'sts.eu-west-1.api.aws',
      'sts.cn-north-1.amazonaws.com.cn',
      'evil.example',
    ]).map((host) => (u: string) => u.replace(/^https:\/\/[^/]+/, `https://${host}`)),
    pick(['http:', 'HTTPS:', 'ftp:']).map((s) => (u: string) => u.replace(/^https:/, s)),
    pick(['/', '//', '/x', '/%2F', '/%zz', '']).map(
      (p) => (u: string) => u.replace(/(\/\/[^/]+)\/\?/, `$1${p}?`),
    ),
    pick([
      '&Action=GetCallerIdentity',
      '&action=Foo',
      '&X-Amz-Expires=1',
      '&foo=bar',
      '&X-Amz-User-Agent=x',
      '&x=%zz',
      '&Version=1',
      '&',
      '&x-amz-signature=00',
    ]).map((extra) => (u: string) => u + extra),
    pick(['Action', 'Version', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Credential']).map(
      (key) => (u: string) => u.replace(new RegExp(`([?&])${key}=[^&]*&?`), '$1'),
    ),
    pick(['0', '900', '901', '-1', '+5', 'abc', '', '60.0']).map(
      (v) => (u: string) => u.replace(/X-Amz-Expires=[^&]*/, `X-Amz-Expires=${v}`),
    ),
    pick(
      [NOW - 20 * MIN, NOW - 14 * MIN, NOW - 16 * MIN, NOW + 5 * MIN]
        .map(formatAmzDate)
        .concat(['20250230T000000Z', 'x', '']),
    ).map((d) => (u: string) => u.replace(/X-Amz-Date=[^&]*/, `X-Amz-Date=${d}`)),
    pick(['host', 'host%3BX-K8S-AWS-ID', 'x-k8s-aws-id', '']).map(
      (h) => (u: string) => u.replace(/X-Amz-SignedHeaders=[^&]*/, `X-Amz-SignedHeaders=${h}`),
    ),
    pick(['AssumeRole', 'getcalleridentity', '']).map(
      (a) => (u: string) => u.replace(/Action=[^&]*/, `Action=${a}`),
    ),
  );
  fc.assert(
    fc.property(fc.boolean(), fc.array(mutation, { maxLength: 4 }), (temp, mutations) => {
      const text = mutations.reduce((u, m) => m(u), url({ credentials: temp ? TEMP : KEYS }));
      const token = encodeEksToken(text);
      const mine = verifyToken(token, NOW);
      const model = checkEksToken(token, NOW);
      assert.equal(mine.ok, model.ok, text);
      if (mine.ok || model.ok) return;
      // Go parses the whole query before looking at keys (so a bad escape anywhere wins), and walks the
      // keys in random map order; the model checks piece by piece. Both refuse; only the label may differ.
      const queryIssue = (c: string | undefined) => /^(malformed-query|query-key-)/.test(c ?? '');
      if (queryIssue(SAME[mine.check]) && queryIssue(model.reason)) return;
      assert.equal(SAME[mine.check], model.reason, text);
    }),
    { numRuns: 2000 },
  );
});
