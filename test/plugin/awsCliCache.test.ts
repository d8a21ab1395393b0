import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { cliCacheKey } from '../../src/aws/readCliCache.js';
import { DaemonHarness } from '../helpers/daemonHarness.js';
import { hasCommand } from '../helpers/hasCommand.js';
import { runOnPty } from '../helpers/ptyRun.js';
import { CLI } from '../helpers/runCli.js';
import { fakeWebIdentityToken, type StsTestServer, startStsTestServer } from '../helpers/stsTestServer.js';

// Differential: the real `aws eks get-token` and eks-token on one terminal (a pty), one HOME and one
// MFA role profile, against a loopback STS that logs every role session: prompts, AssumeRole calls
// and session names over several calls, in both orders, with the daemon, and with cache files that
// must not be used.
const ACCOUNT = '111122223333';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/Guarded`;
const SERIAL = `arn:aws:iam::${ACCOUNT}:mfa/erin`;
const CODE = '246810';
const INTERACTIVE = JSON.stringify({
  apiVersion: 'client.authentication.k8s.io/v1',
  kind: 'ExecCredential',
  spec: { interactive: true },
});
const BOTOCORE_NAME = /^botocore-session-(\d+)$/;
// botocore's file for the profile: the SHA-1 of its AssumeRole arguments (checked against aws's own file).
const KEY = cliCacheKey({ RoleArn: ROLE, SerialNumber: SERIAL });

type Env = Record<string, string | undefined>;

describe('one MFA prompt per role session, shared with the AWS CLI cache', {
  skip:
    (!hasCommand('aws') && 'aws CLI not installed') || (!hasCommand('python3') && 'python3 (pty) missing'),
}, () => {
  let sts: StsTestServer;
  let home: string;
  let baseSecret: string;
  before(async () => {
    sts = await startStsTestServer();
    const user = sts.addUser(ACCOUNT, 'erin');
    baseSecret = user.secretAccessKey;
    sts.addRole({
      roleArn: ROLE,
      trustedPrincipals: [user.arn],
      mfa: { serialNumber: SERIAL, tokenCode: CODE },
    });
    process.env.EKS_TOKEN_TEST_BASE = `[base]\naws_access_key_id = ${user.accessKeyId}\naws_secret_access_key = ${user.secretAccessKey}\n`;
  });
  after(async () => {
    await sts?.close();
  });
  beforeEach(() => {
    if (home) rmSync(home, { recursive: true, force: true });
    home = mkdtempSync(join(tmpdir(), 'eks-token-clicache-'));
    mkdirSync(join(home, '.aws'));
    writeFileSync(join(home, '.aws', 'credentials'), process.env.EKS_TOKEN_TEST_BASE ?? '', { mode: 0o600 });
    writeFileSync(
      join(home, '.aws', 'config'),
      `[profile guarded]\nrole_arn = ${ROLE}\nsource_profile = base\nmfa_serial = ${SERIAL}\nregion = eu-west-1\n`,
    );
    sts.resetCalls();
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  const env = (extra: Env = {}): Env => ({
    PATH: process.env.PATH,
    HOME: home,
    AWS_PROFILE: 'guarded',
    AWS_ENDPOINT_URL_STS: sts.url,
    AWS_EC2_METADATA_DISABLED: 'true',
    KUBERNETES_EXEC_INFO: INTERACTIVE,
    EKS_TOKEN_DAEMON: 'off',
    ...extra,
  });
  const ours = async (extra: Env = {}) => {
    const r = await runOnPty([CLI, 'token', '-i', 'demo'], env(extra), CODE);
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /"token":"k8s-aws-v1\./);
    return r.prompts;
  };
  const theirs = async (extra: Env = {}) => {
    const r = await runOnPty(['aws', 'eks', 'get-token', '--cluster-name', 'demo'], env(extra), CODE);
    assert.equal(r.code, 0, r.output);
    return r.prompts;
  };
  const assumed = () => sts.roleSessions().filter((s) => s.roleArn === ROLE && s.ok);
  const cacheFile = () => join(home, '.aws', 'cli', 'cache', `${KEY}.json`);
  /** Asserts one AssumeRole with the code, named as botocore names it, at a second within the run. */
  const oneBotocoreSession = (startedAt: number) => {
    const sessions = assumed();
    assert.equal(sessions.length, 1, JSON.stringify(sessions));
    const [session] = sessions;
    assert.equal(session?.serialNumber, SERIAL);
    assert.equal(session?.tokenCode, CODE);
    assert.equal(session?.durationSeconds, undefined, 'no duration unless the profile sets one, as aws');
    const seconds = Number(BOTOCORE_NAME.exec(session?.roleSessionName ?? '')?.[1]);
    assert.ok(
      seconds >= Math.floor(startedAt / 1000) && seconds <= Date.now() / 1000,
      session?.roleSessionName,
    );
  };

  it('aws alone: one prompt and one AssumeRole over three calls (the reference)', async () => {
    const started = Date.now();
    const prompts = (await theirs()) + (await theirs()) + (await theirs());
    assert.equal(prompts, 1);
    oneBotocoreSession(started);
    assert.ok(existsSync(cacheFile()), `aws wrote ${readdirSync(join(home, '.aws', 'cli', 'cache'))}`);
  });

  it('eks-token alone: one prompt and one AssumeRole over three calls, session named as aws names it', async () => {
    const started = Date.now();
    const prompts = (await ours()) + (await ours()) + (await ours());
    assert.equal(prompts, 1);
    oneBotocoreSession(started);
  });

  it('aws first: eks-token asks nothing and calls STS for no role', async () => {
    const started = Date.now();
    assert.equal(await theirs(), 1);
    assert.equal((await ours()) + (await ours()), 0);
    oneBotocoreSession(started);
  });

  it('eks-token first: aws finds its file, asks nothing', async () => {
    const started = Date.now();
    assert.equal(await ours(), 1);
    assert.equal((await theirs()) + (await theirs()), 0);
    oneBotocoreSession(started);
  });

  it('EKS_TOKEN_CLI_CACHE=off: nothing on disk, a prompt per call without the daemon', async () => {
    assert.equal(
      (await ours({ EKS_TOKEN_CLI_CACHE: 'off' })) + (await ours({ EKS_TOKEN_CLI_CACHE: 'off' })),
      2,
    );
    assert.equal(existsSync(join(home, '.aws', 'cli')), false);
  });

  /** An aws-format file for the profile, expiring `minutes` from now with keys STS really issued. */
  async function plantCacheFile(minutes: number): Promise<void> {
    rmSync(cacheFile(), { force: true });
    assert.equal(await theirs(), 1);
    const file = JSON.parse(readText(cacheFile()));
    file.Credentials.Expiration = new Date(Date.now() + minutes * 60_000)
      .toISOString()
      .replace(/\.\d+Z$/, 'Z');
    writeFileSync(cacheFile(), JSON.stringify(file), { mode: 0o600 });
    sts.resetCalls();
  }

  it('an entry about to expire (under 15 minutes) is not used, by either tool', async () => {
    await plantCacheFile(14);
    assert.equal(await ours(), 1);
    assert.equal(assumed().length, 1);
    await plantCacheFile(14);
    assert.equal(await theirs(), 1);
    assert.equal(assumed().length, 1);
    await plantCacheFile(16);
    assert.equal((await ours()) + (await theirs()), 0);
    assert.equal(assumed().length, 0);
  });

  it('a corrupt or foreign-shaped file is ignored (never an error) and replaced', async () => {
    for (const text of ['{"Credentials": {"AccessKeyId": ', '{"Credentials": {}}', '[]']) {
      mkdirSync(join(home, '.aws', 'cli', 'cache'), { recursive: true });
      writeFileSync(cacheFile(), text, { mode: 0o600 });
      // aws itself fails on such a file (a KeyError from JSONFileCache); eks-token does not.
      const aws = await runOnPty(['aws', 'eks', 'get-token', '--cluster-name', 'demo'], env(), CODE);
      assert.notEqual(aws.code, 0, aws.output);
      sts.resetCalls();
      assert.equal(await ours(), 1);
      assert.equal(assumed().length, 1);
      assert.equal(await theirs(), 0, 'the file eks-token wrote serves aws');
    }
  });

  it('a file STS wrote for another role under this name is not used', async () => {
    await plantCacheFile(60);
    const file = JSON.parse(readText(cacheFile()));
    file.AssumedRoleUser.Arn = `arn:aws:sts::${ACCOUNT}:assumed-role/Other/botocore-session-1`;
    writeFileSync(cacheFile(), JSON.stringify(file), { mode: 0o600 });
    assert.equal(await ours(), 1);
  });

  it('get-token --role-arn: EKSGetTokenAuth on top of the profile role, as aws', async () => {
    const outer = `arn:aws:iam::${ACCOUNT}:role/Outer`;
    sts.addRole({ roleArn: outer, trustedPrincipals: [`arn:aws:iam::${ACCOUNT}:root`] });
    const argv = ['eks', 'get-token', '--cluster-name', 'demo', '--role-arn', outer];
    const aws = await runOnPty(['aws', ...argv], env(), CODE);
    const mine = await runOnPty([CLI, ...argv], env(), CODE);
    assert.equal(aws.code, 0, aws.output);
    assert.equal(mine.code, 0, mine.output);
    assert.equal(aws.prompts + mine.prompts, 1);
    const names = sts.roleSessions().filter((s) => s.roleArn === outer && s.ok);
    assert.deepEqual(
      names.map((s) => s.roleSessionName),
      ['EKSGetTokenAuth', 'EKSGetTokenAuth'],
    );
  });

  it('web identity: the session named as aws names it, one STS call for both tools', async () => {
    const webRole = `arn:aws:iam::${ACCOUNT}:role/WebRole`;
    const jwt = fakeWebIdentityToken({ sub: 'system:serviceaccount:ci:runner' });
    sts.addRole({ roleArn: webRole, webIdentityTokens: [jwt] });
    writeFileSync(join(home, 'token.jwt'), jwt);
    const web = {
      AWS_PROFILE: undefined,
      AWS_WEB_IDENTITY_TOKEN_FILE: join(home, 'token.jwt'),
      AWS_ROLE_ARN: webRole,
      AWS_DEFAULT_REGION: 'eu-west-1',
    };
    const started = Date.now();
    assert.equal((await ours(web)) + (await theirs(web)) + (await ours(web)), 0);
    const sessions = sts.roleSessions().filter((s) => s.roleArn === webRole && s.ok);
    assert.equal(sessions.length, 1, JSON.stringify(sessions));
    const seconds = Number(BOTOCORE_NAME.exec(sessions[0]?.roleSessionName ?? '')?.[1]);
    assert.ok(
      seconds >= Math.floor(started / 1000) && seconds <= Date.now() / 1000,
      sessions[0]?.roleSessionName,
    );
  });

  it('web identity in the environment before the default profile keys, as aws; not with --profile', async () => {
    const webRole = `arn:aws:iam::${ACCOUNT}:role/WebRole`;
    const jwt = fakeWebIdentityToken({ sub: 'system:serviceaccount:ci:deployer' });
    sts.addRole({ roleArn: webRole, webIdentityTokens: [jwt] });
    writeFileSync(join(home, 'token.jwt'), jwt);
    const keys = (process.env.EKS_TOKEN_TEST_BASE ?? '').replace('[base]', '[default]');
    writeFileSync(join(home, '.aws', 'credentials'), keys, { mode: 0o600 });
    const web = {
      AWS_PROFILE: undefined,
      AWS_WEB_IDENTITY_TOKEN_FILE: join(home, 'token.jwt'),
      AWS_ROLE_ARN: webRole,
      AWS_DEFAULT_REGION: 'eu-west-1',
    };
    const webSessions = () => sts.roleSessions().filter((s) => s.roleArn === webRole && s.ok);
    // eks-token first takes the web identity; aws then finds the session it cached under botocore's key.
    assert.equal(await ours(web), 0);
    assert.equal(webSessions().length, 1, JSON.stringify(sts.roleSessions()));
    assert.equal(await theirs(web), 0);
    assert.equal(webSessions().length, 1, JSON.stringify(sts.roleSessions()));
    // --profile turns the environment's web identity off for aws: the profile's own keys sign.
    const explicit = await runOnPty([CLI, 'token', '-i', 'demo', '--profile', 'default'], env(web), CODE);
    assert.equal(explicit.code, 0, explicit.output);
    const url = Buffer.from(/k8s-aws-v1\.([\w-]+)/.exec(explicit.output)?.[1] ?? '', 'base64url').toString();
    assert.match(url, new RegExp(`X-Amz-Credential=${/aws_access_key_id = (\S+)/.exec(keys)?.[1]}%2F`));
    assert.equal(webSessions().length, 1);
  });

  describe('a role chain: prod on top of hub, hub with MFA on top of base keys', () => {
    const HUB = `arn:aws:iam::${ACCOUNT}:role/Hub`;
    const PROD = `arn:aws:iam::${ACCOUNT}:role/Prod`;
    const chain = { AWS_PROFILE: 'prod' };
    // botocore's files: each role profile's own AssumeRole arguments.
    const hubFile = () =>
      join(home, '.aws', 'cli', 'cache', `${cliCacheKey({ RoleArn: HUB, SerialNumber: SERIAL })}.json`);
    const prodFile = () => join(home, '.aws', 'cli', 'cache', `${cliCacheKey({ RoleArn: PROD })}.json`);
    const calls = () => {
      const ok = sts.roleSessions().filter((s) => s.ok);
      return {
        hub: ok.filter((s) => s.roleArn === HUB).length,
        prod: ok.filter((s) => s.roleArn === PROD).length,
      };
    };
    before(() => {
      sts.addRole({
        roleArn: HUB,
        trustedPrincipals: [`arn:aws:iam::${ACCOUNT}:user/erin`],
        mfa: { serialNumber: SERIAL, tokenCode: CODE },
      });
      sts.addRole({ roleArn: PROD, trustedPrincipals: [HUB] });
    });
    beforeEach(() => {
      writeFileSync(
        join(home, '.aws', 'config'),
        `[profile prod]\nrole_arn = ${PROD}\nsource_profile = hub\nregion = eu-west-1\n` +
          `[profile hub]\nrole_arn = ${HUB}\nsource_profile = base\nmfa_serial = ${SERIAL}\n`,
      );
    });
    /** Runs aws once (one prompt, both roles assumed and cached), then removes the files named. */
    const afterAwsRemove = async (...files: string[]) => {
      assert.equal(await theirs(chain), 1);
      assert.deepEqual(calls(), { hub: 1, prod: 1 });
      assert.ok(existsSync(hubFile()) && existsSync(prodFile()), 'aws cached both roles');
      for (const file of files) rmSync(file);
      sts.resetCalls();
    };

    it('aws alone: one prompt over three calls (the reference)', async () => {
      assert.equal((await theirs(chain)) + (await theirs(chain)) + (await theirs(chain)), 1);
      assert.deepEqual(calls(), { hub: 1, prod: 1 });
    });

    it("hub's session cached, prod's not: no prompt and one AssumeRole for prod, by either tool", async () => {
      await afterAwsRemove(prodFile());
      assert.equal(await theirs(chain), 0);
      assert.deepEqual(calls(), { hub: 0, prod: 1 });
      rmSync(prodFile());
      sts.resetCalls();
      assert.equal(await ours(chain), 0);
      assert.deepEqual(calls(), { hub: 0, prod: 1 });
      assert.ok(existsSync(prodFile()), "eks-token cached prod's session");
    });

    it('neither cached: one prompt, each role assumed once, by either tool', async () => {
      await afterAwsRemove(prodFile(), hubFile());
      assert.equal(await ours(chain), 1);
      assert.deepEqual(calls(), { hub: 1, prod: 1 });
      assert.equal((await ours(chain)) + (await theirs(chain)), 0, 'both files serve both tools');
      assert.deepEqual(calls(), { hub: 1, prod: 1 });
    });
  });

  describe('with the daemon, across shells', () => {
    let harness: DaemonHarness;
    beforeEach(async () => {
      harness = new DaemonHarness();
      await harness.startDaemon();
    });
    const shells = [
      { SSH_TTY: '/dev/pts/1', PWD: '/srv' },
      { SSH_TTY: '/dev/pts/2', PWD: '/tmp' },
      { SSH_TTY: '/dev/pts/3', PWD: '/' },
    ];
    const viaDaemon = (shell: Env, extra: Env = {}) =>
      ours({ ...shell, ...extra, EKS_TOKEN_DAEMON: 'on', EKS_TOKEN_SOCKET: harness.socket });

    it('one prompt for all shells: the daemon finds the file the prompted plugin wrote', async () => {
      const started = Date.now();
      let prompts = 0;
      for (const shell of shells) prompts += await viaDaemon(shell);
      assert.equal(prompts, 1);
      oneBotocoreSession(started);
      await harness.cleanup();
    });

    it('EKS_TOKEN_CLI_CACHE=off: the plugin hands the daemon the credentials; nothing on disk', async () => {
      const off = { EKS_TOKEN_CLI_CACHE: 'off' };
      let prompts = 0;
      for (const shell of shells) prompts += await viaDaemon(shell, off);
      assert.equal(prompts, 1);
      assert.equal(assumed().length, 1);
      assert.equal(existsSync(join(home, '.aws', 'cli')), false);
      // The daemon's own files, outputs and socket dir hold no key of the user's.
      await harness.cleanup([baseSecret]);
    });
  });
});

function readText(path: string): string {
  return readFileSync(path, 'utf8');
}
