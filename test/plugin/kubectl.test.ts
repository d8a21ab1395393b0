import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type EksApiTestServer, startEksApiTestServer } from '../helpers/eksApiTestServer.js';
import { hasKubectl, kubectl, whoamiUser, writeEksKubeconfig } from '../helpers/kubectl.js';
import { isolatedEnv, runCli } from '../helpers/runCli.js';
import { fakeWebIdentityToken, type StsTestServer, startStsTestServer } from '../helpers/stsTestServer.js';

const ACCOUNT = '111122223333';

describe('real kubectl authenticates with eks-token tokens', {
  skip: hasKubectl ? false : 'kubectl not installed',
}, () => {
  let sts: StsTestServer;
  let eks: EksApiTestServer;
  let dir: string;
  let clock = Date.now;
  const keysOf = (user: { accessKeyId: string; secretAccessKey: string }) => ({
    AWS_ACCESS_KEY_ID: user.accessKeyId,
    AWS_SECRET_ACCESS_KEY: user.secretAccessKey,
  });
  const env = (extra: Record<string, string>) =>
    isolatedEnv({ HOME: dir, AWS_ENDPOINT_URL_STS: sts.url, ...extra });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eks-token-e2e-'));
    sts = await startStsTestServer({ now: () => clock() });
    eks = await startEksApiTestServer({ clusterName: 'eks-green', stsUrl: sts.url, now: () => clock() });
  });
  after(async () => {
    await eks?.close();
    await sts?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  for (const apiVersion of ['v1beta1', 'v1'] as const) {
    it(`static keys, ${apiVersion} kubeconfig: kubectl auth whoami shows the mapped user and groups`, async () => {
      const user = sts.addUser(ACCOUNT, `alice-${apiVersion}`);
      eks.mapUsers.push({ userarn: user.arn, username: `alice-${apiVersion}`, groups: ['devs', 'viewers'] });
      const kc = await writeEksKubeconfig(dir, {
        server: eks.url,
        caData: eks.caData,
        apiVersion,
        args: ['token', '-i', 'eks-green', '--region', 'eu-west-1'],
      });
      const r = await kubectl(['auth', 'whoami', '-o', 'json'], env({ KUBECONFIG: kc, ...keysOf(user) }));
      assert.equal(r.code, 0, r.stderr);
      const info = whoamiUser(r.stdout);
      assert.equal(info.username, `alice-${apiVersion}`);
      assert.deepEqual(
        info.groups.filter((g) => g !== 'system:authenticated'),
        ['devs', 'viewers'],
      );
      const raw = await kubectl(
        ['get', '--raw', '/apis/example/v1'],
        env({ KUBECONFIG: kc, ...keysOf(user) }),
      );
      assert.equal(JSON.parse(raw.stdout).path, '/apis/example/v1', raw.stderr);
    });
  }

  it('a named profile from the shared files', async () => {
    const user = sts.addUser(ACCOUNT, 'bob');
    eks.mapUsers.push({ userarn: user.arn, username: 'bob', groups: ['ops'] });
    await writeFile(
      join(dir, 'credentials'),
      `[work]\naws_access_key_id = ${user.accessKeyId}\naws_secret_access_key = ${user.secretAccessKey}\n`,
    );
    await writeFile(join(dir, 'config'), '[profile work]\nregion = eu-central-1\n');
    const kc = await writeEksKubeconfig(dir, {
      server: eks.url,
      caData: eks.caData,
      args: ['get-token', '--cluster-name', 'eks-green'],
      env: { AWS_PROFILE: 'work' },
    });
    const r = await kubectl(
      ['auth', 'whoami', '-o', 'json'],
      env({
        KUBECONFIG: kc,
        AWS_CONFIG_FILE: join(dir, 'config'),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
      }),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(whoamiUser(r.stdout).username, 'bob');
    assert.equal(eks.requests.at(-1)?.token?.host, 'sts.eu-central-1.amazonaws.com');
  });

  it('an assumed role with an external id maps by role', async () => {
    const user = sts.addUser(ACCOUNT, 'carol');
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/Deploy`;
    sts.addRole({ roleArn, trustedPrincipals: [user.arn], externalId: 'ext-42' });
    eks.mapRoles.push({ rolearn: roleArn, username: 'deployer:{{SessionName}}', groups: ['system:masters'] });
    const kc = await writeEksKubeconfig(dir, {
      server: eks.url,
      caData: eks.caData,
      args: [
        'token',
        '-i',
        'eks-green',
        '-r',
        roleArn,
        '-e',
        'ext-42',
        '-s',
        'carol-session',
        '--region',
        'eu-west-1',
      ],
    });
    const r = await kubectl(['auth', 'whoami', '-o', 'json'], env({ KUBECONFIG: kc, ...keysOf(user) }));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(whoamiUser(r.stdout).username, 'deployer:carol-session');
    assert.ok(
      sts.calls.some(
        (c) => c.action === 'AssumeRole' && c.params.ExternalId === 'ext-42' && c.status === 200,
      ),
    );
  });

  it('role assumption refused: one line naming the role, exit 1', async () => {
    const user = sts.addUser(ACCOUNT, 'mallory');
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/Admin`;
    sts.addRole({ roleArn, trustedPrincipals: [`arn:aws:iam::${ACCOUNT}:user/nobody`] });
    const r = await runCli(
      ['token', '-i', 'eks-green', '-r', roleArn, '--region', 'eu-west-1'],
      env(keysOf(user)),
    );
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^eks-token: AccessDenied assuming arn:aws:iam::111122223333:role\/Admin: /);
    assert.doesNotMatch(r.stderr, new RegExp(user.secretAccessKey.replace(/[+/]/g, '.')));
  });

  it('web identity (IRSA) from AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN', async () => {
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/PodRole`;
    const jwt = fakeWebIdentityToken({ sub: 'system:serviceaccount:ci:runner' });
    sts.addRole({ roleArn, webIdentityTokens: [jwt] });
    eks.mapRoles.push({ rolearn: roleArn, username: 'pod:{{SessionName}}', groups: ['ci'] });
    await writeFile(join(dir, 'web-identity-token'), jwt);
    const kc = await writeEksKubeconfig(dir, {
      server: eks.url,
      caData: eks.caData,
      args: ['token', '-i', 'eks-green', '--region', 'eu-west-1'],
    });
    const r = await kubectl(
      ['auth', 'whoami', '-o', 'json'],
      env({
        KUBECONFIG: kc,
        AWS_WEB_IDENTITY_TOKEN_FILE: join(dir, 'web-identity-token'),
        AWS_ROLE_ARN: roleArn,
        AWS_ROLE_SESSION_NAME: 'runner-1',
      }),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(whoamiUser(r.stdout).username, 'pod:runner-1');
    assert.deepEqual(
      whoamiUser(r.stdout).groups.filter((g) => g !== 'system:authenticated'),
      ['ci'],
    );
  });

  describe('tokens EKS must refuse get 401', () => {
    let token = '';
    let userEnv: Record<string, string> = {};
    before(async () => {
      const user = sts.addUser(ACCOUNT, 'dave');
      eks.mapUsers.push({ userarn: user.arn, username: 'dave', groups: [] });
      userEnv = keysOf(user);
    });
    const withToken = async (t: string) =>
      kubectl(
        ['get', '--raw', '/x', '--server', eks.url, '--token', t, '--certificate-authority', eks.caFile],
        { HOME: dir, KUBECONFIG: join(dir, 'none') },
      );

    it('a token for another cluster name', async () => {
      const r = await runCli(
        ['token', '-i', 'eks-blue', '--region', 'eu-west-1', '--token-only'],
        env(userEnv),
      );
      token = r.stdout.trim();
      assert.match(token, /^k8s-aws-v1\./);
      const k = await withToken(token);
      assert.notEqual(k.code, 0);
      assert.match(k.stderr, /Unauthorized/);
      assert.equal(eks.requests.at(-1)?.reason, 'sts-rejected');
    });

    it('a tampered token', async () => {
      const r = await runCli(
        ['token', '-i', 'eks-green', '--region', 'eu-west-1', '--token-only'],
        env(userEnv),
      );
      const good = r.stdout.trim();
      assert.equal((await withToken(good)).code, 0);
      const url = Buffer.from(good.slice(11), 'base64url')
        .toString()
        .replace(/X-Amz-Signature=(.)/, (_m, c: string) => `X-Amz-Signature=${c === 'a' ? 'b' : 'a'}`);
      const k = await withToken(`k8s-aws-v1.${Buffer.from(url).toString('base64url')}`);
      assert.match(k.stderr, /Unauthorized/);
      assert.equal(eks.requests.at(-1)?.reason, 'sts-rejected');
    });

    it('an expired token', async () => {
      const r = await runCli(
        ['token', '-i', 'eks-green', '--region', 'eu-west-1', '--token-only'],
        env(userEnv),
      );
      clock = () => Date.now() + 16 * 60_000;
      try {
        const k = await withToken(r.stdout.trim());
        assert.match(k.stderr, /Unauthorized/);
        assert.equal(eks.requests.at(-1)?.reason, 'date-expired');
      } finally {
        clock = Date.now;
      }
    });
  });
});
