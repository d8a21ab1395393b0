import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type EksApiTestServer, startEksApiTestServer } from '../helpers/eksApiTestServer.js';
import { checkEksToken } from '../helpers/iamAuthenticator.js';
import { rawRequest, xmlText } from '../helpers/rawHttp.js';
import { stsQuery } from '../helpers/stsClient.js';
import { isAllowedStsHost } from '../helpers/stsHosts.js';
import { type StsIdentity, type StsTestServer, startStsTestServer } from '../helpers/stsTestServer.js';
import {
  encodeEksToken,
  makeEksToken,
  type PresignOptions,
  presignGetCallerIdentity,
  type TestCredentials,
} from '../helpers/testTokens.js';

const ACCOUNT = '111122223333';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/Deploy`;

describe('isAllowedStsHost', () => {
  it('accepts the authenticator host list', () => {
    for (const host of [
      'sts.amazonaws.com',
      'sts.eu-west-1.amazonaws.com',
      'sts.us-east-1.amazonaws.com',
      'sts.mx-central-1.amazonaws.com',
      'sts.eu-west-1.api.aws',
      'sts.us-gov-west-1.amazonaws.com',
      'sts.us-gov-east-1.api.aws',
      'sts.cn-north-1.amazonaws.com.cn',
      'sts.cn-northwest-1.api.amazonwebservices.com.cn',
      'sts.us-iso-east-1.c2s.ic.gov',
      'sts.us-isob-east-1.sc2s.sgov.gov',
      'sts.eu-isoe-west-1.cloud.adc-e.uk',
      'sts.us-isof-south-1.csp.hci.ic.gov',
      'sts.eusc-de-east-1.amazonaws.eu',
      'sts-fips.us-east-1.amazonaws.com',
      'sts-fips.us-west-2.amazonaws.com',
    ]) {
      assert.ok(isAllowedStsHost(host), host);
    }
  });

  it('refuses everything else', () => {
    for (const host of [
      'sts.eu-west-1.amazonaws.com.evil.com',
      'evil.com',
      'sts.eu-west-1.amazonaws.com:443',
      'STS.eu-west-1.amazonaws.com',
      'sts.cn-north-1.amazonaws.com',
      'sts.eu-west-1.amazonaws.com.cn',
      'sts.us-iso-east-1.amazonaws.com',
      'sts.eu-west-1.c2s.ic.gov',
      'sts.xx-west-1.amazonaws.com',
      'sts-fips.eu-west-1.amazonaws.com',
      'sts.us-iso-east-1.api.aws',
      'sts.evil.amazonaws.com',
      '127.0.0.1',
      'sts.eu-west-1.amazonaws.com.',
    ]) {
      assert.ok(!isAllowedStsHost(host), host);
    }
  });
});

describe('startEksApiTestServer', () => {
  let clock = Date.now();
  let sts: StsTestServer;
  let eks: EksApiTestServer;
  let alice: StsIdentity;
  let stranger: StsIdentity;
  let deploy: TestCredentials;

  const token = (o: Partial<PresignOptions> = {}) =>
    makeEksToken({ credentials: alice, clusterName: 'blue', now: clock, ...o });
  const get = (path: string, bearer?: string) =>
    rawRequest(`${eks.url}${path}`, {
      ca: eks.caPem,
      headers: bearer === undefined ? {} : { authorization: `Bearer ${bearer}` },
    });

  before(async () => {
    sts = await startStsTestServer({ now: () => clock });
    alice = sts.addUser(ACCOUNT, 'alice');
    stranger = sts.addUser(ACCOUNT, 'stranger');
    sts.addRole({ roleArn: ROLE, trustedPrincipals: [alice.arn] });
    eks = await startEksApiTestServer({
      clusterName: 'blue',
      stsUrl: sts.url,
      now: () => clock,
      mapRoles: [
        {
          rolearn: ROLE,
          username: 'deployer:{{SessionName}}',
          groups: ['system:masters', 'acct-{{AccountID}}'],
        },
      ],
      mapUsers: [{ userarn: alice.arn, username: 'alice', groups: ['devs'] }],
    });
    const res = await stsQuery(sts.url, alice, {
      Action: 'AssumeRole',
      RoleArn: ROLE,
      RoleSessionName: 'alice@corp',
    });
    deploy = {
      accessKeyId: xmlText(res.text, 'AccessKeyId') as string,
      secretAccessKey: xmlText(res.text, 'SecretAccessKey') as string,
      sessionToken: xmlText(res.text, 'SessionToken') as string,
    };
  });
  after(async () => {
    await eks.close();
    await sts.close();
  });

  it('serves HTTPS on 127.0.0.1 with a CA usable as certificate-authority-data', () => {
    assert.match(eks.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.match(eks.caPem, /^-----BEGIN CERTIFICATE-----/);
    assert.equal(Buffer.from(eks.caData, 'base64').toString(), eks.caPem);
  });

  it('accepts a good token and records the user', async () => {
    const res = await get('/some/path', token());
    assert.equal(res.status, 200, res.text);
    const body = JSON.parse(res.text) as {
      ok: boolean;
      path: string;
      user: { username: string; groups: string[] };
    };
    assert.deepEqual(body, {
      ok: true,
      path: '/some/path',
      user: {
        username: 'alice',
        groups: ['devs'],
        extra: {
          accessKeyId: [alice.accessKeyId],
          arn: [alice.arn],
          canonicalArn: [alice.arn],
          principalId: [alice.userId],
          sessionName: [''],
        },
      },
    });
    const rec = eks.requests.at(-1);
    assert.equal(rec?.outcome, 'authenticated');
    assert.equal(rec?.user?.username, 'alice');
    assert.equal(rec?.token?.host, 'sts.eu-west-1.amazonaws.com');
    assert.equal(rec?.token?.accessKeyId, alice.accessKeyId);
    const stsCall = sts.calls.at(-1);
    assert.equal(stsCall?.clusterIdHeader, 'blue');
    assert.equal(stsCall?.host, 'sts.eu-west-1.amazonaws.com');
  });

  it('maps assumed roles with templates and answers SelfSubjectReview', async () => {
    const res = await rawRequest(`${eks.url}/apis/authentication.k8s.io/v1/selfsubjectreviews`, {
      method: 'POST',
      ca: eks.caPem,
      headers: {
        authorization: `Bearer ${token({ credentials: deploy, region: 'us-east-1', host: 'sts.amazonaws.com' })}`,
        'content-type': 'application/json',
      },
      body: '{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}',
    });
    assert.equal(res.status, 201, res.text);
    const review = JSON.parse(res.text) as {
      kind: string;
      apiVersion: string;
      status: {
        userInfo: { username: string; uid: string; groups: string[]; extra: Record<string, string[]> };
      };
    };
    assert.equal(review.kind, 'SelfSubjectReview');
    assert.equal(review.apiVersion, 'authentication.k8s.io/v1');
    const u = review.status.userInfo;
    assert.equal(u.username, 'deployer:alice-corp');
    assert.deepEqual(u.groups, ['system:masters', `acct-${ACCOUNT}`]);
    assert.match(u.uid, /^aws-iam-authenticator:111122223333:AROA[A-Z2-7]{17}$/);
    assert.deepEqual(u.extra.arn, [`arn:aws:sts::${ACCOUNT}:assumed-role/Deploy/alice@corp`]);
    assert.deepEqual(u.extra.canonicalArn, [ROLE]);
    assert.deepEqual(u.extra.sessionName, ['alice@corp']);
    assert.deepEqual(u.extra.accessKeyId, [deploy.accessKeyId]);
  });

  it('serves discovery and /version', async () => {
    assert.equal((await get('/version')).status, 200);
    assert.equal((await get('/api')).status, 401);
    const api = await get('/api', token());
    assert.equal((JSON.parse(api.text) as { kind: string }).kind, 'APIVersions');
    const apis = await get('/apis', token());
    assert.equal((JSON.parse(apis.text) as { kind: string }).kind, 'APIGroupList');
    assert.equal((await get('/version', 'k8s-aws-v1.bad')).status, 401);
  });

  const cases: Array<[string, () => string, string]> = [
    ['wrong prefix', () => token().replace('k8s-aws-v1.', 'k8s-aws-v2.'), 'bad-prefix'],
    ['too long', () => `k8s-aws-v1.${'A'.repeat(4090)}`, 'token-too-long'],
    ['not base64url', () => `${token()}=`, 'bad-base64'],
    [
      'http scheme',
      () =>
        encodeEksToken(
          presignGetCallerIdentity({ credentials: alice, clusterName: 'blue', now: clock }).replace(
            /^https/,
            'http',
          ),
        ),
      'bad-scheme',
    ],
    ['bad host', () => token({ host: 'sts.eu-west-1.amazonaws.com.evil.test' }), 'bad-host'],
    ['host with port', () => token({ host: 'sts.eu-west-1.amazonaws.com:443' }), 'bad-host'],
    [
      'bad path',
      () =>
        encodeEksToken(
          presignGetCallerIdentity({ credentials: alice, clusterName: 'blue', now: clock }).replace(
            '/?',
            '/x?',
          ),
        ),
      'bad-path',
    ],
    ['extra query key', () => token({ extraQuery: { 'X-Amz-Foo': 'bar' } }), 'query-key-not-allowed'],
    [
      'duplicate key',
      () =>
        encodeEksToken(
          `${presignGetCallerIdentity({ credentials: alice, clusterName: 'blue', now: clock })}&Action=GetCallerIdentity`,
        ),
      'query-key-duplicated',
    ],
    [
      'duplicate key in another case',
      () =>
        encodeEksToken(
          `${presignGetCallerIdentity({ credentials: alice, clusterName: 'blue', now: clock })}&action=GetCallerIdentity`,
        ),
      'query-key-duplicated',
    ],
    ['wrong action', () => token({ action: 'GetSessionToken' }), 'bad-action'],
    ['unsigned x-k8s-aws-id', () => token({ signClusterId: false }), 'cluster-id-not-signed'],
    ['expires 901', () => token({ expires: 901 }), 'bad-expires'],
    ['expires missing', () => token({ expires: null }), 'bad-expires'],
    ['date older than 15 min', () => token({ now: clock - 15 * 60_000 - 1000 }), 'date-expired'],
    ['token for another cluster', () => token({ clusterName: 'green' }), 'sts-rejected'],
    [
      'signed for the wrong region',
      () => token({ region: 'us-west-2', host: 'sts.eu-west-1.amazonaws.com' }),
      'sts-rejected',
    ],
    ['unmapped identity', () => token({ credentials: stranger }), 'not-mapped'],
  ];
  for (const [name, make, reason] of cases) {
    it(`rejects: ${name} -> ${reason}`, async () => {
      const res = await get('/api', make());
      assert.equal(res.status, 401, res.text);
      assert.deepEqual(JSON.parse(res.text), {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Unauthorized',
        reason: 'Unauthorized',
        code: 401,
      });
      assert.equal(eks.requests.at(-1)?.reason, reason, eks.requests.at(-1)?.detail);
      assert.equal(eks.requests.at(-1)?.outcome, 'rejected');
    });
  }

  it('rejects a missing token', async () => {
    assert.equal((await get('/api')).status, 401);
    assert.equal(eks.requests.at(-1)?.reason, 'missing-token');
  });

  it('follows setClusterName (blue/green) and the injected clock', async () => {
    const blue = token();
    eks.setClusterName('green');
    assert.equal((await get('/x', blue)).status, 401);
    assert.equal((await get('/x', token({ clusterName: 'green' }))).status, 200);
    eks.setClusterName('blue');
    assert.equal((await get('/x', blue)).status, 200);
    const saved = clock;
    clock += 15 * 60_000 + 1000;
    assert.equal((await get('/x', blue)).status, 401);
    assert.equal(eks.requests.at(-1)?.reason, 'date-expired');
    clock = saved;
  });

  it('checkEksToken: 15 minutes to the millisecond, X-Amz-Expires 0 and 900 allowed', () => {
    const signedAt = Math.floor(clock / 1000) * 1000;
    const t = token({ now: signedAt });
    assert.ok(checkEksToken(t, signedAt + 15 * 60_000).ok);
    const late = checkEksToken(t, signedAt + 15 * 60_000 + 1);
    assert.equal(late.ok ? 'ok' : late.reason, 'date-expired');
    assert.ok(checkEksToken(token({ expires: 900 }), clock).ok);
    assert.ok(checkEksToken(token({ expires: 0 }), clock).ok);
  });
});
