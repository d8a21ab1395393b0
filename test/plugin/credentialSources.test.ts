import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isolatedEnv, runCli } from '../helpers/runCli.js';
import { stsQuery } from '../helpers/stsClient.js';
import { type StsTestServer, startStsTestServer } from '../helpers/stsTestServer.js';

const ACCOUNT = '111122223333';
const INTERACTIVE = JSON.stringify({
  kind: 'ExecCredential',
  apiVersion: 'client.authentication.k8s.io/v1',
  spec: { interactive: true },
});

describe('credential sources beyond plain keys', () => {
  let sts: StsTestServer;
  let dir: string;
  const files = () => ({
    HOME: dir,
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    AWS_ENDPOINT_URL_STS: sts.url,
  });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eks-token-creds-'));
    sts = await startStsTestServer();
  });
  after(async () => {
    await sts?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('an expired SSO session says which login to run', async () => {
    await writeFile(
      join(dir, 'config'),
      '[profile sso]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Admin\nregion = eu-west-1\n[sso-session corp]\nsso_region = eu-west-1\nsso_start_url = https://corp.example/start\n',
    );
    await writeFile(join(dir, 'credentials'), '');
    await mkdir(join(dir, '.aws/sso/cache'), { recursive: true });
    const cacheName = `${createHash('sha1').update('corp').digest('hex')}.json`;
    await writeFile(
      join(dir, '.aws/sso/cache', cacheName),
      JSON.stringify({
        startUrl: 'https://corp.example/start',
        region: 'eu-west-1',
        accessToken: 'expired',
        expiresAt: '2020-01-01T00:00:00Z',
      }),
    );
    const r = await runCli(['token', '-i', 'eks-a'], isolatedEnv({ ...files(), AWS_PROFILE: 'sso' }));
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^eks-token: .*SSO.*: run: aws sso login --profile sso\n$/);
  });

  describe('a role profile that needs MFA', () => {
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/Guarded`;
    const serial = `arn:aws:iam::${ACCOUNT}:mfa/erin`;
    before(async () => {
      const user = sts.addUser(ACCOUNT, 'erin');
      sts.addRole({
        roleArn,
        trustedPrincipals: [user.arn],
        mfa: { serialNumber: serial, tokenCode: '123456' },
      });
      await writeFile(
        join(dir, 'credentials'),
        `[base]\naws_access_key_id = ${user.accessKeyId}\naws_secret_access_key = ${user.secretAccessKey}\n`,
      );
      await writeFile(
        join(dir, 'config'),
        `[profile guarded]\nrole_arn = ${roleArn}\nsource_profile = base\nmfa_serial = ${serial}\nregion = eu-west-1\n`,
      );
    });

    it('prompts on stderr and reads the code from stdin when kubectl says interactive', async () => {
      const r = await runCli(
        ['token', '-i', 'eks-a', '--profile', 'guarded'],
        isolatedEnv({ ...files(), KUBERNETES_EXEC_INFO: INTERACTIVE }),
        { stdin: '123456\n' },
      );
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, new RegExp(`MFA token code for ${serial.replace(/[/]/g, '\\/')}`));
      assert.equal(JSON.parse(r.stdout).apiVersion, 'client.authentication.k8s.io/v1');
      assert.ok(
        sts.calls.some(
          (c) => c.action === 'AssumeRole' && c.params.TokenCode === '123456' && c.status === 200,
        ),
      );
    });

    it('fails in one line when kubectl runs it without a terminal', async () => {
      // The cache off: the session the test above opened would otherwise answer without a code.
      const env = isolatedEnv({ ...files(), EKS_TOKEN_CLI_CACHE: 'off' });
      const r = await runCli(['token', '-i', 'eks-a', '--profile', 'guarded'], env);
      assert.equal(r.code, 1);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /^eks-token: .*MFA.*interactiveMode/);
    });
  });

  it('--forward-session-name carries the caller session name onto the role', async () => {
    const user = sts.addUser(ACCOUNT, 'frank');
    const first = `arn:aws:iam::${ACCOUNT}:role/Federated`;
    const second = `arn:aws:iam::${ACCOUNT}:role/Target`;
    sts.addRole({ roleArn: first, trustedPrincipals: [user.arn] });
    sts.addRole({ roleArn: second, trustedPrincipals: [`arn:aws:iam::${ACCOUNT}:root`] });
    const assumed = await stsQuery(sts.url, user, {
      Action: 'AssumeRole',
      RoleArn: first,
      RoleSessionName: 'frank@corp',
      Version: '2011-06-15',
    });
    const xml = assumed.text;
    const pick = (tag: string) => new RegExp(`<${tag}>([^<]+)</${tag}>`).exec(xml)?.[1] ?? '';
    const env = isolatedEnv({
      AWS_ENDPOINT_URL_STS: sts.url,
      AWS_ACCESS_KEY_ID: pick('AccessKeyId'),
      AWS_SECRET_ACCESS_KEY: pick('SecretAccessKey'),
      AWS_SESSION_TOKEN: pick('SessionToken'),
    });
    const r = await runCli(
      ['token', '-i', 'eks-a', '-r', second, '--forward-session-name', '--region', 'eu-west-1'],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    const call = sts.calls.filter((c) => c.action === 'AssumeRole' && c.params.RoleArn === second).at(-1);
    assert.equal(call?.params.RoleSessionName, 'frank@corp');
  });
});
