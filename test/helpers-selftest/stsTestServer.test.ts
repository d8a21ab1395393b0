import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fromTemporaryCredentials, fromWebToken } from '@aws-sdk/credential-providers';
import { rawRequest, xmlText } from '../helpers/rawHttp.js';
import { stsQuery } from '../helpers/stsClient.js';
import {
  fakeWebIdentityToken,
  type StsIdentity,
  type StsTestServer,
  startStsTestServer,
} from '../helpers/stsTestServer.js';
import { presignGetCallerIdentity, type TestCredentials } from '../helpers/testTokens.js';

const ACCOUNT = '111122223333';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/Deploy`;
const EXT_ROLE = `arn:aws:iam::${ACCOUNT}:role/Partner`;
const MFA_ROLE = `arn:aws:iam::${ACCOUNT}:role/Admin`;
const WEB_ROLE = `arn:aws:iam::${ACCOUNT}:role/Ci`;
const MFA = { serialNumber: `arn:aws:iam::${ACCOUNT}:mfa/alice`, tokenCode: '123456' };

function credsOf(xml: string): TestCredentials {
  return {
    accessKeyId: xmlText(xml, 'AccessKeyId') as string,
    secretAccessKey: xmlText(xml, 'SecretAccessKey') as string,
    sessionToken: xmlText(xml, 'SessionToken') as string,
  };
}

describe('startStsTestServer', () => {
  let clock = Date.now();
  let sts: StsTestServer;
  let alice: StsIdentity;
  let bob: StsIdentity;
  const webToken = fakeWebIdentityToken({ sub: 'system:serviceaccount:ci:runner' });

  before(async () => {
    sts = await startStsTestServer({ now: () => clock });
    alice = sts.addUser(ACCOUNT, 'alice');
    bob = sts.addUser('444455556666', 'bob');
    sts.addRole({ roleArn: ROLE, trustedPrincipals: [alice.arn], maxSessionDurationSeconds: 7200 });
    sts.addRole({
      roleArn: EXT_ROLE,
      trustedPrincipals: [`arn:aws:iam::${ACCOUNT}:root`],
      externalId: 'ext-123',
    });
    sts.addRole({ roleArn: MFA_ROLE, trustedPrincipals: [alice.arn, ROLE], mfa: MFA });
    sts.addRole({ roleArn: WEB_ROLE, webIdentityTokens: [webToken] });
  });
  after(() => sts.close());

  it('binds 127.0.0.1 on an ephemeral port', () => {
    assert.match(sts.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(sts.port > 0);
  });

  it('AssumeRole then GetCallerIdentity (XML and JSON) end to end with aws4', async () => {
    sts.resetCalls();
    const res = await stsQuery(sts.url, alice, {
      Action: 'AssumeRole',
      RoleArn: ROLE,
      RoleSessionName: 'alice-session',
    });
    assert.equal(res.status, 200, res.text);
    assert.match(
      res.text,
      /^<AssumeRoleResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><AssumeRoleResult>/,
    );
    const creds = credsOf(res.text);
    assert.match(creds.accessKeyId, /^ASIA[A-Z2-7]{16}$/);
    assert.match(creds.sessionToken as string, /\+.*\//);
    assert.equal(xmlText(res.text, 'Arn'), `arn:aws:sts::${ACCOUNT}:assumed-role/Deploy/alice-session`);
    assert.match(xmlText(res.text, 'AssumedRoleId') as string, /^AROA[A-Z2-7]{17}:alice-session$/);
    assert.match(xmlText(res.text, 'Expiration') as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const xml = await stsQuery(sts.url, creds, { Action: 'GetCallerIdentity' });
    assert.equal(xml.status, 200, xml.text);
    assert.equal(xmlText(xml.text, 'Arn'), `arn:aws:sts::${ACCOUNT}:assumed-role/Deploy/alice-session`);
    assert.equal(xmlText(xml.text, 'Account'), ACCOUNT);

    const json = await stsQuery(sts.url, creds, { Action: 'GetCallerIdentity' }, { json: true });
    const body = JSON.parse(json.text) as {
      GetCallerIdentityResponse: {
        GetCallerIdentityResult: Record<string, string>;
        ResponseMetadata: { RequestId: string };
      };
    };
    assert.equal(body.GetCallerIdentityResponse.GetCallerIdentityResult.Arn, xmlText(xml.text, 'Arn'));
    assert.match(body.GetCallerIdentityResponse.GetCallerIdentityResult.UserId as string, /:alice-session$/);
    assert.ok(body.GetCallerIdentityResponse.ResponseMetadata.RequestId);

    assert.equal(sts.count('AssumeRole'), 1);
    assert.equal(sts.count('GetCallerIdentity', { ok: true }), 2);
    const first = sts.calls[0];
    assert.equal(first?.accessKeyId, alice.accessKeyId);
    assert.equal(first?.auth, 'header');
    assert.equal(first?.params.RoleArn, ROLE);
    assert.equal(first?.issuedAccessKeyId, creds.accessKeyId);
  });

  it('answers a presigned GetCallerIdentity the way EKS sends it, checking x-k8s-aws-id and age', async () => {
    const assumed = credsOf(
      (await stsQuery(sts.url, alice, { Action: 'AssumeRole', RoleArn: ROLE, RoleSessionName: 'eks' })).text,
    );
    const url = presignGetCallerIdentity({
      credentials: assumed,
      clusterName: 'blue',
      region: 'eu-west-1',
      now: clock,
    });
    const query = url.slice(url.indexOf('?'));
    const send = (cluster: string) =>
      rawRequest(`${sts.url}/${query}`, {
        headers: { host: 'sts.eu-west-1.amazonaws.com', 'x-k8s-aws-id': cluster, accept: 'application/json' },
      });
    const ok = await send('blue');
    assert.equal(ok.status, 200, ok.text);
    assert.match(ok.text, /"Arn":"arn:aws:sts::111122223333:assumed-role\/Deploy\/eks"/);
    const last = sts.calls.at(-1);
    assert.equal(last?.auth, 'presigned');
    assert.equal(last?.clusterIdHeader, 'blue');
    assert.equal(last?.signingRegion, 'eu-west-1');

    const other = await send('green');
    assert.equal(other.status, 403);
    assert.equal((JSON.parse(other.text) as { Error: { Code: string } }).Error.Code, 'SignatureDoesNotMatch');

    const saved = clock;
    clock += 15 * 60_000 + 1000;
    const old = await send('blue');
    clock = saved;
    assert.equal(old.status, 403);
    assert.match(old.text, /Signature expired: \d{8}T\d{6}Z is now earlier than/);

    const wrongRegion = presignGetCallerIdentity({
      credentials: assumed,
      clusterName: 'blue',
      region: 'us-east-1',
      host: 'sts.eu-west-1.amazonaws.com',
      now: clock,
    });
    const wr = await rawRequest(`${sts.url}/${wrongRegion.slice(wrongRegion.indexOf('?'))}`, {
      headers: { host: 'sts.eu-west-1.amazonaws.com', 'x-k8s-aws-id': 'blue' },
    });
    assert.equal(wr.status, 403);
    assert.match(wr.text, /Credential should be scoped to a valid region/);
  });

  it('enforces trust, ExternalId, MFA and duration rules with STS-shaped errors', async () => {
    const denied = await stsQuery(sts.url, bob, {
      Action: 'AssumeRole',
      RoleArn: ROLE,
      RoleSessionName: 'x1',
    });
    assert.equal(denied.status, 403);
    assert.match(
      denied.text,
      /^<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><Error><Type>Sender<\/Type><Code>AccessDenied<\/Code>/,
    );
    assert.equal(
      xmlText(denied.text, 'Message'),
      `User: ${bob.arn} is not authorized to perform: sts:AssumeRole on resource: ${ROLE}`,
    );
    assert.ok(xmlText(denied.text, 'RequestId'));

    const noExt = await stsQuery(sts.url, alice, {
      Action: 'AssumeRole',
      RoleArn: EXT_ROLE,
      RoleSessionName: 'x2',
    });
    assert.equal(noExt.status, 403);
    const ext = await stsQuery(sts.url, alice, {
      Action: 'AssumeRole',
      RoleArn: EXT_ROLE,
      RoleSessionName: 'x2',
      ExternalId: 'ext-123',
    });
    assert.equal(ext.status, 200, ext.text);

    const mfaParams = {
      Action: 'AssumeRole',
      RoleArn: MFA_ROLE,
      RoleSessionName: 'x3',
      SerialNumber: MFA.serialNumber,
    };
    assert.equal((await stsQuery(sts.url, alice, { ...mfaParams, TokenCode: '654321' })).status, 403);
    assert.equal(
      (await stsQuery(sts.url, alice, { Action: 'AssumeRole', RoleArn: MFA_ROLE, RoleSessionName: 'x3' }))
        .status,
      403,
    );
    assert.equal((await stsQuery(sts.url, alice, { ...mfaParams, TokenCode: '123456' })).status, 200);

    const short = await stsQuery(sts.url, alice, {
      Action: 'AssumeRole',
      RoleArn: ROLE,
      RoleSessionName: 'x4',
      DurationSeconds: '100',
    });
    assert.equal(short.status, 400);
    assert.equal(xmlText(short.text, 'Code'), 'ValidationError');
    const long = await stsQuery(sts.url, alice, {
      Action: 'AssumeRole',
      RoleArn: ROLE,
      RoleSessionName: 'x4',
      DurationSeconds: '7201',
    });
    assert.equal(xmlText(long.text, 'Code'), 'ValidationError');
    assert.equal(
      (
        await stsQuery(sts.url, alice, {
          Action: 'AssumeRole',
          RoleArn: ROLE,
          RoleSessionName: 'x4',
          DurationSeconds: '7200',
        })
      ).status,
      200,
    );
    const chainedCreds = credsOf(
      (await stsQuery(sts.url, alice, { Action: 'AssumeRole', RoleArn: ROLE, RoleSessionName: 'x5' })).text,
    );
    const chained = await stsQuery(sts.url, chainedCreds, {
      ...mfaParams,
      RoleSessionName: 'x6',
      DurationSeconds: '7200',
      TokenCode: '123456',
    });
    assert.match(xmlText(chained.text, 'Message') as string, /role chaining/);
    const missing = await stsQuery(sts.url, alice, { Action: 'AssumeRole', RoleArn: ROLE });
    assert.equal(missing.status, 400);
    assert.match(xmlText(missing.text, 'Message') as string, /roleSessionName/);
  });

  it('rejects bad authentication like STS', async () => {
    const code = async (creds: TestCredentials | null, extra: { now?: number } = {}) => {
      const r = await stsQuery(sts.url, creds, { Action: 'GetCallerIdentity' }, extra);
      return `${r.status} ${xmlText(r.text, 'Code')}`;
    };
    assert.equal(await code(null), '403 MissingAuthenticationToken');
    assert.equal(await code({ ...alice, accessKeyId: 'AKIAUNKNOWNUNKNOWN00' }), '403 InvalidClientTokenId');
    assert.equal(await code({ ...alice, secretAccessKey: 'wrong' }), '403 SignatureDoesNotMatch');
    assert.equal(await code({ ...alice, sessionToken: 'unexpected' }), '403 InvalidClientTokenId');
    assert.equal(await code(alice, { now: clock - 20 * 60_000 }), '403 SignatureDoesNotMatch');
    const temp = credsOf(
      (await stsQuery(sts.url, alice, { Action: 'AssumeRole', RoleArn: ROLE, RoleSessionName: 'exp' })).text,
    );
    assert.equal(await code({ ...temp, sessionToken: `${temp.sessionToken}x` }), '403 InvalidClientTokenId');
    const saved = clock;
    clock += 3600_000 + 1000;
    assert.equal(await code(temp, { now: clock }), '400 ExpiredToken');
    clock = saved;
    const unknown = await stsQuery(sts.url, alice, { Action: 'GetSessionTokenX' });
    assert.equal(`${unknown.status} ${xmlText(unknown.text, 'Code')}`, '400 InvalidAction');
  });

  it('AssumeRoleWithWebIdentity accepts only the configured token, unsigned', async () => {
    const ok = await stsQuery(sts.url, null, {
      Action: 'AssumeRoleWithWebIdentity',
      RoleArn: WEB_ROLE,
      RoleSessionName: 'ci',
      WebIdentityToken: webToken,
    });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(xmlText(ok.text, 'SubjectFromWebIdentityToken'), 'system:serviceaccount:ci:runner');
    assert.equal(xmlText(ok.text, 'Arn'), `arn:aws:sts::${ACCOUNT}:assumed-role/Ci/ci`);
    const other = await stsQuery(sts.url, null, {
      Action: 'AssumeRoleWithWebIdentity',
      RoleArn: WEB_ROLE,
      RoleSessionName: 'ci',
      WebIdentityToken: fakeWebIdentityToken({ sub: 'intruder' }),
    });
    assert.equal(`${other.status} ${xmlText(other.text, 'Code')}`, '403 AccessDenied');
    const notJwt = await stsQuery(sts.url, null, {
      Action: 'AssumeRoleWithWebIdentity',
      RoleArn: WEB_ROLE,
      RoleSessionName: 'ci',
      WebIdentityToken: 'not-a-jwt',
    });
    assert.equal(`${notJwt.status} ${xmlText(notJwt.text, 'Code')}`, '400 InvalidIdentityToken');
  });

  it('works as the endpoint of the real AWS SDK credential providers', async () => {
    sts.resetCalls();
    const provider = fromTemporaryCredentials({
      masterCredentials: { accessKeyId: alice.accessKeyId, secretAccessKey: alice.secretAccessKey },
      params: { RoleArn: ROLE, RoleSessionName: 'sdk', DurationSeconds: 900 },
      clientConfig: { endpoint: sts.url, region: 'eu-west-1' },
    });
    const creds = await provider();
    assert.match(creds.accessKeyId, /^ASIA/);
    assert.ok(creds.expiration && creds.expiration.getTime() > clock);
    assert.equal(sts.identity(creds.accessKeyId)?.arn, `arn:aws:sts::${ACCOUNT}:assumed-role/Deploy/sdk`);
    assert.equal(sts.count('AssumeRole', { ok: true }), 1);

    const refused = fromTemporaryCredentials({
      masterCredentials: { accessKeyId: bob.accessKeyId, secretAccessKey: bob.secretAccessKey },
      params: { RoleArn: ROLE, RoleSessionName: 'sdk' },
      clientConfig: { endpoint: sts.url, region: 'eu-west-1' },
    });
    await assert.rejects(refused(), (e: Error) => e.name === 'AccessDenied');

    const web = fromWebToken({
      roleArn: WEB_ROLE,
      webIdentityToken: webToken,
      roleSessionName: 'web',
      clientConfig: { endpoint: sts.url, region: 'eu-west-1' },
    });
    assert.match((await web()).accessKeyId, /^ASIA/);
  });

  it('injects faults', async () => {
    sts.injectFault({
      action: 'GetCallerIdentity',
      status: 400,
      code: 'Throttling',
      message: 'Rate exceeded',
    });
    const first = await stsQuery(sts.url, alice, { Action: 'GetCallerIdentity' });
    assert.equal(`${first.status} ${xmlText(first.text, 'Code')}`, '400 Throttling');
    assert.equal((await stsQuery(sts.url, alice, { Action: 'GetCallerIdentity' })).status, 200);
  });
});
