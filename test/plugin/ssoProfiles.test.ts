import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { profileChain } from '../../daemon/profileChain.js';
import { hasCommand } from '../helpers/hasCommand.js';
import { callStsForToken, checkEksToken } from '../helpers/iamAuthenticator.js';
import { runCli } from '../helpers/runCli.js';
import { type SsoPortalServer, startSsoPortalServer, writeSsoLogin } from '../helpers/ssoPortalServer.js';
import { type StsTestServer, startStsTestServer } from '../helpers/stsTestServer.js';

// Differential: the real `aws eks get-token` (botocore's SSOProvider) and eks-token (the SDK's) on
// one HOME with an IAM Identity Center login, against a loopback portal that hands out role
// sessions the loopback STS knows: both tokens must verify there as the same role session.
const ACCOUNT = '210987654321';
const ROLE_NAME = 'PlatformDev';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_${ROLE_NAME}_5f3c6a2b1d9e8f70`;
const USER = 'erin@example.com';
const REFUSE_LOOKUPS = fileURLToPath(new URL('../helpers/refuseAwsLookups.cjs', import.meta.url));
const HOUR = 3_600_000;

type Env = Record<string, string | undefined>;

/** The two ways a profile names its IAM Identity Center login. */
const SSO_FORMS = [
  { form: 'legacy', profile: 'legacy', startUrl: 'https://legacy-corp.awsapps.com/start' },
  {
    form: 'sso-session',
    profile: 'modern',
    startUrl: 'https://corp.awsapps.com/start',
    sessionName: 'corp',
  },
] as const;

/** The config both forms live in: the cluster's region differs from the portal's (sso_region). */
const SSO_CONFIG = [
  '[profile legacy]',
  'sso_start_url = https://legacy-corp.awsapps.com/start',
  'sso_region = us-east-1',
  `sso_account_id = ${ACCOUNT}`,
  `sso_role_name = ${ROLE_NAME}`,
  'region = eu-west-1',
  '',
  '[profile modern]',
  'sso_session = corp',
  `sso_account_id = ${ACCOUNT}`,
  `sso_role_name = ${ROLE_NAME}`,
  'region = eu-west-1',
  '',
  '[sso-session corp]',
  'sso_start_url = https://corp.awsapps.com/start',
  'sso_region = us-east-1',
  'sso_registration_scopes = sso:account:access',
  '',
].join('\n');

/** The aws CLI's run: exit code and output (exit codes other than 0 included). */
function aws(argv: string[], env: Env): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'aws',
      argv,
      { env: { PATH: process.env.PATH, ...env }, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The principal STS names for a token, as EKS asks it. */
async function principalOf(token: string, sts: StsTestServer): Promise<string> {
  const parsed = checkEksToken(token, Date.now());
  assert.ok(parsed.ok, JSON.stringify(parsed));
  const identity = await callStsForToken(parsed, 'demo', sts.url);
  assert.ok('arn' in identity, JSON.stringify(identity));
  return identity.arn;
}

describe('SSO profiles: eks-token and aws eks get-token take the same role session', {
  skip: !hasCommand('aws') && 'aws CLI not installed',
}, () => {
  let home: string;
  let sts: StsTestServer;
  let portal: SsoPortalServer;
  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'eks-token-sso-'));
    mkdirSync(join(home, '.aws'));
    writeFileSync(join(home, '.aws', 'config'), SSO_CONFIG);
    sts = await startStsTestServer();
    sts.addRole({ roleArn: ROLE_ARN });
    portal = await startSsoPortalServer((account, role) =>
      account === ACCOUNT && role === ROLE_NAME ? sts.issueRoleSession(ROLE_ARN, USER) : undefined,
    );
  });
  after(async () => {
    await portal?.close();
    await sts?.close();
    rmSync(home, { recursive: true, force: true });
  });

  const env = (profile: string, extra: Env = {}): Env => ({
    HOME: home,
    AWS_PROFILE: profile,
    AWS_ENDPOINT_URL_SSO: portal.url,
    AWS_EC2_METADATA_DISABLED: 'true',
    EKS_TOKEN_DAEMON: 'off',
    ...extra,
  });
  const ours = (profile: string, extra: Env = {}, flags: string[] = []) =>
    runCli(['token', '-i', 'demo', ...flags], env(profile, extra));
  const theirs = (profile: string, extra: Env = {}, flags: string[] = []) =>
    aws(['eks', 'get-token', '--cluster-name', 'demo', ...flags], env(profile, extra));

  for (const sso of SSO_FORMS) {
    const login = (expiresAt: number) =>
      writeSsoLogin(home, {
        startUrl: sso.startUrl,
        region: 'us-east-1',
        accessToken: portal.issueToken(),
        expiresAt,
        ...('sessionName' in sso ? { sessionName: sso.sessionName } : {}),
      });

    it(`${sso.form}: both sign as the user's session of the assigned role, each with one portal call`, async () => {
      const file = login(Date.now() + 8 * HOUR);
      const bearer = (JSON.parse(readFileSync(file, 'utf8')) as { accessToken: string }).accessToken;
      portal.calls.length = 0;
      const mine = await ours(sso.profile);
      assert.equal(mine.code, 0, mine.stderr);
      const peer = await theirs(sso.profile);
      assert.equal(peer.code, 0, peer.stderr);
      const session = `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_${ROLE_NAME}_5f3c6a2b1d9e8f70/${USER}`;
      assert.equal(await principalOf(JSON.parse(mine.stdout).status.token, sts), session);
      assert.equal(await principalOf(JSON.parse(peer.stdout).status.token, sts), session);
      assert.deepEqual(
        portal.calls.map((c) => [c.accountId, c.roleName, c.bearerToken === bearer, c.status]),
        [
          [ACCOUNT, ROLE_NAME, true, 200],
          [ACCOUNT, ROLE_NAME, true, 200],
        ],
      );
    });

    it(`${sso.form}: the token file is the one botocore reads, and the one the daemon stamps`, async () => {
      const file = login(Date.now() + 8 * HOUR);
      const script = [
        'import sys',
        'from botocore.utils import SSOTokenLoader',
        'print(SSOTokenLoader()._generate_cache_key(sys.argv[1], sys.argv[2] or None))',
      ].join('\n');
      const sessionName = 'sessionName' in sso ? sso.sessionName : '';
      const botocore = await new Promise<string>((resolve, reject) =>
        execFile('python3', ['-c', script, sso.startUrl, sessionName], (error, stdout) =>
          error ? reject(error) : resolve(stdout.trim()),
        ),
      );
      assert.equal(basename(file), `${botocore}.json`);
      const { ssoTokenFiles } = profileChain(sso.profile, { HOME: home }, undefined);
      assert.ok(ssoTokenFiles.includes(`.aws/sso/cache/${botocore}.json`), ssoTokenFiles.join(', '));
    });

    /** eks-token's one line naming `aws sso login --profile P` (E_SSO_EXPIRED), and aws failing too. */
    const bothSayLogIn = async () => {
      const mine = await ours(sso.profile);
      assert.equal(mine.code, 1);
      assert.equal(mine.stdout, '');
      const lines = mine.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, mine.stderr);
      assert.match(lines[0] ?? '', /^eks-token: /);
      assert.ok(lines[0]?.includes(`aws sso login --profile ${sso.profile}`), lines[0]);
      const debug = await ours(sso.profile, {}, ['--debug']);
      assert.match(debug.stderr, /^eks-token: debug: error code E_SSO_EXPIRED$/m);
      const peer = await theirs(sso.profile);
      assert.notEqual(peer.code, 0, peer.stdout);
      return peer.stderr;
    };

    it(`${sso.form}: an expired login is E_SSO_EXPIRED naming aws sso login --profile, and aws fails too`, async () => {
      login(Date.now() - HOUR);
      portal.calls.length = 0;
      assert.match(await bothSayLogIn(), /sso/i);
      assert.equal(portal.calls.length, 0, 'neither asks the portal with an expired token');
    });

    it(`${sso.form}: a portal out of reach is E_SSO_UNREACHABLE naming it, not a missing credential`, async () => {
      login(Date.now() + 8 * HOUR);
      const closed = await closedPort();
      const away = { AWS_ENDPOINT_URL_SSO: `http://127.0.0.1:${closed}` };
      const mine = await ours(sso.profile, away);
      assert.equal(mine.code, 1);
      assert.equal(
        mine.stderr,
        `eks-token: could not reach the AWS SSO portal at 127.0.0.1:${closed} (ECONNREFUSED): check the network and proxy (HTTPS_PROXY), and AWS_ENDPOINT_URL_SSO if set\n`,
      );
      const debug = await ours(sso.profile, away, ['--debug']);
      assert.match(debug.stderr, /^eks-token: debug: error code E_SSO_UNREACHABLE$/m);
      const peer = await theirs(sso.profile, { ...away, AWS_MAX_ATTEMPTS: '1' });
      assert.notEqual(peer.code, 0, peer.stdout);
      assert.match(peer.stderr, /Could not connect to the endpoint URL/);
    });

    it(`${sso.form}: a login the portal refuses (signed out early) is E_SSO_EXPIRED too, as aws says`, async () => {
      writeSsoLogin(home, {
        startUrl: sso.startUrl,
        region: 'us-east-1',
        accessToken: 'aoaNeverIssuedByThePortal',
        expiresAt: Date.now() + 8 * HOUR,
        ...('sessionName' in sso ? { sessionName: sso.sessionName } : {}),
      });
      portal.calls.length = 0;
      assert.match(await bothSayLogIn(), /expired or is otherwise invalid/);
      assert.ok(portal.calls.length >= 2, 'both asked the portal');
      assert.ok(portal.calls.every((c) => c.status === 401));
    });

    it(`${sso.form}: the portal is asked in sso_region, not the cluster's region, as botocore asks it`, async () => {
      login(Date.now() + 8 * HOUR);
      const log = join(home, `lookups-${sso.form}`);
      writeFileSync(log, '');
      const offline = {
        AWS_ENDPOINT_URL_SSO: undefined,
        NODE_OPTIONS: `-r ${REFUSE_LOOKUPS}`,
        AWS_LOOKUP_LOG: log,
      };
      const mine = await ours(sso.profile, offline);
      assert.equal(mine.code, 1, mine.stdout);
      const hosts = new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean));
      assert.deepEqual([...hosts], ['portal.sso.us-east-1.amazonaws.com']);
      const peer = await theirs(sso.profile, { AWS_ENDPOINT_URL_SSO: undefined, AWS_MAX_ATTEMPTS: '1' }, [
        '--debug',
      ]);
      assert.match(
        `${peer.stderr}`,
        /Endpoint provider result: https:\/\/portal\.sso\.us-east-1\.amazonaws\.com/,
      );
    });
  }
});

/** A loopback port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
