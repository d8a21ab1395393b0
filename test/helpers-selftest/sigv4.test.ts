import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import aws4 from 'aws4';
import fc from 'fast-check';
import {
  canonicalHeaders,
  canonicalQueryString,
  canonicalRequest,
  canonicalUri,
  computeSignature,
  deriveSigningKey,
  EMPTY_SHA256,
  parseQuery,
  type SigV4Result,
  sha256Hex,
  stringToSign,
  uriEncode,
  verifyAuthorizationHeader,
  verifyPresignedUrl,
} from '../helpers/sigv4.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const CREDS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET };
const TEMP = {
  accessKeyId: 'ASIATESTTESTTESTTEST',
  secretAccessKey: 'tEmP/sEcReT+kEy=abcdefghijklmnopqrstuvw',
  sessionToken: 'IQoJb3JpZ2luX2Vj+/token==',
};
const secretFor = (id: string) => ({ AKIDEXAMPLE: SECRET, [TEMP.accessKeyId]: TEMP.secretAccessKey })[id];
const NOW = Date.UTC(2026, 10, 21, 23, 38, 46);
const AMZ_NOW = '20261121T233846Z';

function reason(r: SigV4Result): string {
  return r.ok ? 'ok' : r.reason;
}

/** aws4-presigned EKS-style GetCallerIdentity URL. */
function presign(
  opts: { cluster?: string; host?: string; region?: string; date?: string; creds?: typeof TEMP } = {},
) {
  const host = opts.host ?? 'sts.eu-west-1.amazonaws.com';
  const signed = aws4.sign(
    {
      host,
      path: `/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Expires=60&X-Amz-Date=${opts.date ?? AMZ_NOW}`,
      service: 'sts',
      region: opts.region ?? 'eu-west-1',
      signQuery: true,
      headers: { 'X-K8s-Aws-Id': opts.cluster ?? 'blue' },
    },
    opts.creds ?? TEMP,
  );
  return { url: `https://${host}${signed.path}`, host };
}

describe('sigv4 primitives against the AWS documented example (IAM ListUsers)', () => {
  const headers = {
    'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
    host: 'iam.amazonaws.com',
    'x-amz-date': '20150830T123600Z',
  };
  const signed = ['content-type', 'host', 'x-amz-date'];
  const canonical = canonicalRequest({
    method: 'GET',
    canonicalUri: canonicalUri('/'),
    canonicalQuery: canonicalQueryString(parseQuery('Action=ListUsers&Version=2010-05-08')),
    canonicalHeaders: canonicalHeaders(headers, signed),
    signedHeaders: signed,
    payloadHash: EMPTY_SHA256,
  });

  it('reproduces the canonical request, its hash, the signing key and the signature', () => {
    assert.equal(
      canonical,
      'GET\n/\nAction=ListUsers&Version=2010-05-08\ncontent-type:application/x-www-form-urlencoded; charset=utf-8\nhost:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    assert.equal(sha256Hex(canonical), 'f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59');
    const key = deriveSigningKey(SECRET, '20150830', 'us-east-1', 'iam');
    assert.equal(key.toString('hex'), 'c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9');
    const sts = stringToSign('20150830T123600Z', '20150830/us-east-1/iam/aws4_request', canonical);
    assert.equal(
      computeSignature(key, sts),
      '5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
    );
  });

  it('verifies the example as a header-signed request and rejects a changed signature', () => {
    const good = '5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7';
    const query = 'Action=ListUsers&Version=2010-05-08';
    const verify = (signature: string, q = query, opts?: { now: number }) =>
      verifyAuthorizationHeader(
        'GET',
        '/',
        q,
        {
          ...headers,
          authorization: `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=${signature}`,
        },
        '',
        secretFor,
        opts,
      );
    const ok = verify(good);
    assert.equal(reason(ok), 'ok');
    assert.ok(ok.ok && ok.accessKeyId === 'AKIDEXAMPLE' && ok.region === 'us-east-1' && ok.service === 'iam');
    assert.equal(reason(verify(`${good.slice(0, -1)}8`)), 'signature-mismatch');
    assert.equal(reason(verify(good, 'Action=ListUsers')), 'signature-mismatch');
    assert.equal(reason(verify(good, query, { now: Date.UTC(2015, 7, 30, 12, 52, 1) })), 'expired');
  });

  it('encodes per RFC 3986', () => {
    assert.equal(uriEncode("a b+c/d~e_f.g-h!*'()%"), 'a%20b%2Bc%2Fd~e_f.g-h%21%2A%27%28%29%25');
    assert.equal(uriEncode('é'), '%C3%A9');
    assert.equal(
      canonicalQueryString([
        ['b', '2'],
        ['a', 'z'],
        ['a', 'y'],
      ]),
      'a=y&a=z&b=2',
    );
  });
});

describe('verifyPresignedUrl with aws4-presigned EKS tokens', () => {
  const headersFor = (host: string, cluster = 'blue') => ({ host, 'x-k8s-aws-id': cluster });

  it('accepts a good URL and reports the scope', () => {
    const { url, host } = presign();
    const r = verifyPresignedUrl(url, headersFor(host), { secretFor, now: NOW, lifetimeMs: 15 * 60_000 });
    assert.equal(reason(r), 'ok');
    assert.ok(r.ok);
    assert.equal(r.accessKeyId, TEMP.accessKeyId);
    assert.equal(r.region, 'eu-west-1');
    assert.equal(r.service, 'sts');
    assert.deepEqual(r.signedHeaders, ['host', 'x-k8s-aws-id']);
    assert.equal(r.date, AMZ_NOW);
    assert.equal(r.sessionToken, TEMP.sessionToken);
  });

  it('accepts a path-only URL when the Host header is given', () => {
    const { url, host } = presign();
    const r = verifyPresignedUrl(url.slice(`https://${host}`.length), headersFor(host), { secretFor });
    assert.equal(reason(r), 'ok');
  });

  it('rejects tampering', () => {
    const { url, host } = presign();
    const opts = { secretFor, now: NOW };
    const sig = /X-Amz-Signature=([0-9a-f]{64})/.exec(url)?.[1] as string;
    const flipped = url.replace(
      sig,
      sig.replace(/^./, (c) => (c === '0' ? '1' : '0')),
    );
    assert.equal(reason(verifyPresignedUrl(flipped, headersFor(host), opts)), 'signature-mismatch');
    assert.equal(reason(verifyPresignedUrl(url, headersFor(host, 'green'), opts)), 'signature-mismatch');
    assert.equal(
      reason(verifyPresignedUrl(url, headersFor('sts.us-east-1.amazonaws.com'), opts)),
      'signature-mismatch',
    );
    assert.equal(
      reason(verifyPresignedUrl(url.replace('2011-06-15', '2011-06-16'), headersFor(host), opts)),
      'signature-mismatch',
    );
    assert.equal(reason(verifyPresignedUrl(`${url}&Extra=1`, headersFor(host), opts)), 'signature-mismatch');
    const noToken = url.replace(/&X-Amz-Security-Token=[^&]*/, '');
    assert.equal(reason(verifyPresignedUrl(noToken, headersFor(host), opts)), 'signature-mismatch');
    assert.equal(
      reason(verifyPresignedUrl(url.replace('GetCallerIdentity', 'GetSessionToken'), headersFor(host), opts)),
      'signature-mismatch',
    );
    assert.equal(reason(verifyPresignedUrl(url, { host }, opts)), 'missing-signed-header');
    assert.equal(
      reason(verifyPresignedUrl(`${url}&X-Amz-Date=${AMZ_NOW}`, headersFor(host), opts)),
      'duplicate-auth-param',
    );
    assert.equal(
      reason(verifyPresignedUrl(url.replace(/%2F/, '%2'), headersFor(host), opts)),
      'malformed-request',
    );
    assert.equal(
      reason(verifyPresignedUrl(url.replace('X-Amz-Expires=60', 'X-Amz-Expires=x'), headersFor(host), opts)),
      'bad-expires',
    );
    const noHost = url.replace('X-Amz-SignedHeaders=host%3Bx-k8s-aws-id', 'X-Amz-SignedHeaders=x-k8s-aws-id');
    assert.equal(reason(verifyPresignedUrl(noHost, headersFor(host), opts)), 'host-not-signed');
  });

  it('rejects a wrong secret, an unknown key, a wrong scope date and bad algorithm', () => {
    const wrong = presign({ creds: { ...TEMP, secretAccessKey: 'not-the-secret' } });
    assert.equal(
      reason(verifyPresignedUrl(wrong.url, headersFor(wrong.host), { secretFor })),
      'signature-mismatch',
    );
    const unknown = presign({ creds: { ...TEMP, accessKeyId: 'ASIAUNKNOWNUNKNOWN00' } });
    assert.equal(
      reason(verifyPresignedUrl(unknown.url, headersFor(unknown.host), { secretFor })),
      'unknown-access-key',
    );
    const { url, host } = presign();
    assert.equal(
      reason(
        verifyPresignedUrl(url.replace('%2F20261121%2F', '%2F20261120%2F'), headersFor(host), { secretFor }),
      ),
      'bad-credential-scope',
    );
    assert.equal(
      reason(
        verifyPresignedUrl(url.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA1'), headersFor(host), {
          secretFor,
        }),
      ),
      'bad-algorithm',
    );
  });

  it('applies the lifetime and future-skew rules', () => {
    const { url, host } = presign();
    const life = { secretFor, lifetimeMs: 15 * 60_000 };
    assert.equal(
      reason(verifyPresignedUrl(url, headersFor(host), { ...life, now: NOW + 15 * 60_000 })),
      'ok',
    );
    assert.equal(
      reason(verifyPresignedUrl(url, headersFor(host), { ...life, now: NOW + 15 * 60_000 + 1 })),
      'expired',
    );
    assert.equal(
      reason(verifyPresignedUrl(url, headersFor(host), { secretFor, now: NOW + 61_000 })),
      'expired',
    );
    assert.equal(
      reason(verifyPresignedUrl(url, headersFor(host), { ...life, now: NOW - 16 * 60_000 })),
      'not-yet-valid',
    );
  });

  it('agrees with @smithy/signature-v4 presigning for arbitrary cluster names (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() === s && !/[\r\n]/.test(s)),
        fc.constantFrom('us-east-1', 'eu-west-1', 'cn-north-1'),
        async (cluster, region) => {
          const host = region.startsWith('cn')
            ? `sts.${region}.amazonaws.com.cn`
            : `sts.${region}.amazonaws.com`;
          const signer = new SignatureV4({ credentials: TEMP, region, service: 'sts', sha256: Sha256 });
          const req = await signer.presign(
            {
              method: 'GET',
              protocol: 'https:',
              hostname: host,
              path: '/',
              query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
              headers: { host, 'x-k8s-aws-id': cluster },
            },
            { signingDate: new Date(NOW), expiresIn: 60 },
          );
          const query = Object.entries(req.query ?? {})
            .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
            .join('&');
          const r = verifyPresignedUrl(`https://${host}/?${query}`, headersFor(host, cluster), {
            secretFor,
            now: NOW,
          });
          assert.equal(reason(r), 'ok');
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('verifyAuthorizationHeader with header-signed POSTs', () => {
  const body =
    'Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2FDeploy&RoleSessionName=s';
  const sign = (extra: Record<string, string> = {}) =>
    aws4.sign(
      {
        host: '127.0.0.1:4566',
        path: '/',
        method: 'POST',
        body,
        service: 'sts',
        region: 'us-east-1',
        headers: { 'X-Amz-Date': AMZ_NOW, ...extra },
      },
      TEMP,
    ).headers as Record<string, string>;

  it('accepts an aws4-signed AssumeRole POST with a session token', () => {
    const r = verifyAuthorizationHeader('POST', '/', '', sign(), body, secretFor, { now: NOW });
    assert.equal(reason(r), 'ok');
    assert.ok(
      r.ok && r.sessionToken === TEMP.sessionToken && r.signedHeaders.includes('x-amz-security-token'),
    );
  });

  it('rejects a changed body, header, path, declared payload hash and clock skew', () => {
    const h = sign();
    assert.equal(
      reason(verifyAuthorizationHeader('POST', '/', '', h, body.replace('=s', '=t'), secretFor)),
      'signature-mismatch',
    );
    assert.equal(
      reason(verifyAuthorizationHeader('POST', '/', '', { ...h, Host: '127.0.0.1:4567' }, body, secretFor)),
      'signature-mismatch',
    );
    assert.equal(
      reason(verifyAuthorizationHeader('POST', '/x', '', h, body, secretFor)),
      'signature-mismatch',
    );
    assert.equal(reason(verifyAuthorizationHeader('GET', '/', '', h, body, secretFor)), 'signature-mismatch');
    const tokenless = { ...h, 'X-Amz-Security-Token': `${TEMP.sessionToken}x` };
    assert.equal(
      reason(verifyAuthorizationHeader('POST', '/', '', tokenless, body, secretFor)),
      'signature-mismatch',
    );
    const declared = sign({ 'X-Amz-Content-Sha256': sha256Hex('other') });
    assert.equal(
      reason(verifyAuthorizationHeader('POST', '/', '', declared, body, secretFor)),
      'payload-hash-mismatch',
    );
    assert.equal(
      reason(verifyAuthorizationHeader('POST', '/', '', h, body, secretFor, { now: NOW + 16 * 60_000 })),
      'expired',
    );
    assert.equal(
      reason(verifyAuthorizationHeader('POST', '/', '', h, body, secretFor, { now: NOW - 16 * 60_000 })),
      'not-yet-valid',
    );
    assert.equal(
      reason(verifyAuthorizationHeader('POST', '/', '', { ...h, Authorization: undefined }, body, secretFor)),
      'missing-auth',
    );
  });

  it('accepts @smithy/signature-v4 header signing with arbitrary query strings (property)', async () => {
    const key = fc.string({ minLength: 1, maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(key, fc.string({ maxLength: 12 }), { maxKeys: 5 }),
        fc.string(),
        async (query, payload) => {
          const signer = new SignatureV4({
            credentials: CREDS,
            region: 'eu-west-1',
            service: 'sts',
            sha256: Sha256,
          });
          const signed = await signer.sign(
            {
              method: 'POST',
              protocol: 'http:',
              hostname: '127.0.0.1',
              port: 8080,
              path: '/',
              query,
              headers: { host: '127.0.0.1:8080', 'content-type': 'text/plain' },
              body: payload,
            },
            { signingDate: new Date(NOW) },
          );
          const raw = Object.entries(query)
            .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
            .join('&');
          const r = verifyAuthorizationHeader('POST', '/', raw, signed.headers, payload, secretFor, {
            now: NOW,
          });
          assert.equal(reason(r), 'ok');
        },
      ),
      { numRuns: 80 },
    );
  });
});
