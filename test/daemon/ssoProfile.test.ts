import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { DaemonStatus } from '../../src/protocol/controlReplyParser.js';
import { sendControl } from '../../src/protocol/sendControl.js';
import { DaemonHarness, issuedSecrets, tokenOf } from '../helpers/daemonHarness.js';
import { callStsForToken, checkEksToken } from '../helpers/iamAuthenticator.js';
import { baseEnvironment } from '../helpers/shellEnvironments.js';
import { type SsoPortalServer, startSsoPortalServer, writeSsoLogin } from '../helpers/ssoPortalServer.js';
import { type StsTestServer, startStsTestServer } from '../helpers/stsTestServer.js';

// One IAM Identity Center profile through a real daemon: the shells of one login share one portal
// call; a new `aws sso login` (the token cache file replaced) is seen at the next call; an expired
// login is reported by the plugin exactly as without the daemon.
const ACCOUNT = '210987654321';
const ROLE_NAME = 'PlatformDev';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_${ROLE_NAME}_5f3c6a2b1d9e8f70`;
const SESSION_ARN = `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_${ROLE_NAME}_5f3c6a2b1d9e8f70/erin@example.com`;
const START_URL = 'https://corp.awsapps.com/start';
const HOUR = 3_600_000;

let h: DaemonHarness;
let sts: StsTestServer;
let portal: SsoPortalServer;
const tokens: string[] = [];

before(async () => {
  h = new DaemonHarness();
  sts = await startStsTestServer();
  sts.addRole({ roleArn: ROLE_ARN });
  portal = await startSsoPortalServer((account, role) =>
    account === ACCOUNT && role === ROLE_NAME
      ? sts.issueRoleSession(ROLE_ARN, 'erin@example.com')
      : undefined,
  );
  h.writeHome(
    '.aws/config',
    [
      '[profile platform]',
      'sso_session = corp',
      `sso_account_id = ${ACCOUNT}`,
      `sso_role_name = ${ROLE_NAME}`,
      'region = eu-west-1',
      '[sso-session corp]',
      `sso_start_url = ${START_URL}`,
      'sso_region = us-east-1',
      '',
    ].join('\n'),
  );
  await h.startDaemon();
});

after(async () => {
  await portal.close();
  await sts.close();
  await h.cleanup([...tokens, ...issuedSecrets(sts), ...sessionSecrets()]);
});

/** The role sessions the portal handed out (the STS log has no call for them). */
function sessionSecrets(): string[] {
  return portal.calls.flatMap((call) => {
    const keys = call.accessKeyId ? sts.identity(call.accessKeyId) : undefined;
    return keys ? [keys.secretAccessKey, keys.sessionToken ?? ''] : [];
  });
}

/** `aws sso login` for the session: a new access token in the cache file. */
function login(expiresAt: number): string {
  const accessToken = portal.issueToken();
  tokens.push(accessToken);
  h.fixtures.add(
    writeSsoLogin(h.home, {
      startUrl: START_URL,
      region: 'us-east-1',
      accessToken,
      expiresAt,
      sessionName: 'corp',
    }),
  );
  return accessToken;
}

async function status(): Promise<DaemonStatus> {
  const outcome = await sendControl(h.socket, 'status');
  assert.ok(outcome.ok, JSON.stringify(outcome));
  return outcome.reply.status;
}

/** A kubectl-style call from a shell with its own noise; the token's principal at STS. */
async function callFrom(noise: Record<string, string>, flags: string[] = [], daemon = 'on') {
  const env = {
    ...baseEnvironment(h.home),
    ...noise,
    AWS_PROFILE: 'platform',
    AWS_ENDPOINT_URL_SSO: portal.url,
    AWS_EC2_METADATA_DISABLED: 'true',
    EKS_TOKEN_SOCKET: h.socket,
  };
  return h.run(['token', '-i', 'eks-a', '--daemon', daemon, ...flags], env, { cwd: noise.PWD ?? h.home });
}

async function principalOf(stdout: string): Promise<string> {
  const parsed = checkEksToken(tokenOf(stdout), Date.now());
  assert.ok(parsed.ok, JSON.stringify(parsed));
  const identity = await callStsForToken(parsed, 'eks-a', sts.url);
  assert.ok('arn' in identity, JSON.stringify(identity));
  return identity.arn;
}

const SHELLS: Array<Record<string, string>> = [
  { TERM: 'xterm-256color', PWD: '/tmp', TERM_PROGRAM: 'gnome-terminal' },
  { TERM: 'xterm-256color', PWD: '/', SSH_TTY: '/dev/pts/4', SSH_CONNECTION: '10.0.4.17 52144 10.0.9.3 22' },
  { TERM: 'xterm-256color', PWD: '/var', TERM_PROGRAM: 'vscode', TERM_PROGRAM_VERSION: '1.96.2' },
];

test('three shells of one SSO login: one portal call, one entry, the role session at STS', async () => {
  const bearer = login(Date.now() + 8 * HOUR);
  portal.calls.length = 0;
  const before = await status();
  for (const shell of SHELLS) {
    const r = await callFrom(shell);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await principalOf(r.stdout), SESSION_ARN);
  }
  assert.deepEqual(
    portal.calls.map((c) => [c.bearerToken === bearer, c.status]),
    [[true, 200]],
  );
  const after = await status();
  assert.equal(after.counters.hits - before.counters.hits, 2, JSON.stringify(after.unserved));
  assert.equal(after.counters.credentialFetches - before.counters.credentialFetches, 1);
});

test('a new aws sso login (the token file replaced): the next call fetches with the new token', async () => {
  const r1 = await callFrom(SHELLS[0] ?? {});
  assert.equal(r1.code, 0, r1.stderr);
  const fresh = login(Date.now() + 8 * HOUR);
  portal.calls.length = 0;
  const r2 = await callFrom(SHELLS[1] ?? {});
  assert.equal(r2.code, 0, r2.stderr);
  assert.equal(await principalOf(r2.stdout), SESSION_ARN);
  assert.deepEqual(
    portal.calls.map((c) => [c.bearerToken === fresh, c.status]),
    [[true, 200]],
  );
  assert.notEqual(tokenOf(r2.stdout), tokenOf(r1.stdout));
});

test('an expired login: the plugin mints itself and reports E_SSO_EXPIRED as without the daemon', async () => {
  login(Date.now() - HOUR);
  portal.calls.length = 0;
  const r = await callFrom(SHELLS[2] ?? {});
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0] ?? '', /^eks-token: .*aws sso login --profile platform/);
  const debug = await callFrom(SHELLS[2] ?? {}, ['--debug']);
  assert.match(debug.stderr, /^eks-token: debug: error code E_SSO_EXPIRED$/m);
  const alone = await callFrom(SHELLS[2] ?? {}, [], 'off');
  assert.equal(alone.stderr, r.stderr, 'the same line without the daemon');
  assert.equal(portal.calls.length, 0, 'nobody asks the portal with an expired token');
});
