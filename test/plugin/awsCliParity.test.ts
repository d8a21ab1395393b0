import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { hasCommand } from '../helpers/hasCommand.js';
import { callStsForToken, checkEksToken, decodeEksToken } from '../helpers/iamAuthenticator.js';
import { runCli } from '../helpers/runCli.js';
import { type StsTestServer, startStsTestServer } from '../helpers/stsTestServer.js';

// Differential: the real `aws eks get-token` and eks-token get the same command line and the same
// environment; eks-token's clock is frozen at the second aws signed in, and the tokens must match.
const exec = promisify(execFile);
const FROZEN_CLOCK = fileURLToPath(new URL('../helpers/frozenClock.cjs', import.meta.url));
const ACCOUNT = '111122223333';
const ENV_KEYS = {
  AWS_ACCESS_KEY_ID: 'AKIDFROMENV',
  AWS_SECRET_ACCESS_KEY: 'envSecretKeyEXAMPLE/K7MDENG+bPxRfiCY',
};
const DEV = { id: 'AKIDDEVPROFILE', secret: 'devSecretKeyEXAMPLE/K7MDENG+bPxRfiCY' };
const DEV2 = { id: 'AKIDDEV2PROFILE', secret: 'dev2SecretKeyEXAMPLE/K7MDENG+bPxRfiCY' };
const SESSION = 'IQoJb3JpZ2luX2VjEPT//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+parity/token=';

type Env = Record<string, string>;

/** The token's URL query as name -> value (order aside). */
function paramsOf(token: string): Record<string, string> {
  const url = new URL(decodeEksToken(token) ?? 'invalid:');
  return Object.fromEntries([...url.searchParams.entries()].map(([k, v]) => [k.toLowerCase(), v]));
}

function signingMs(token: string): number {
  const d = paramsOf(token)['x-amz-date'] ?? '';
  return Date.UTC(
    +d.slice(0, 4),
    +d.slice(4, 6) - 1,
    +d.slice(6, 8),
    +d.slice(9, 11),
    +d.slice(11, 13),
    +d.slice(13, 15),
  );
}

describe('eks-token signs as aws eks get-token does, from the same command line and environment', {
  skip: !hasCommand('aws') && 'aws CLI not installed',
}, () => {
  let dir: string;
  let sts: StsTestServer;
  const baseEnv = (): Env => ({
    HOME: dir,
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
  });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eks-token-parity-'));
    sts = await startStsTestServer();
    const base = sts.addUser(ACCOUNT, 'base');
    sts.addRole({ roleArn: `arn:aws:iam::${ACCOUNT}:role/Deploy`, trustedPrincipals: [base.arn] });
    await writeFile(
      join(dir, 'credentials'),
      `[dev]\naws_access_key_id = ${DEV.id}\naws_secret_access_key = ${DEV.secret}\n` +
        `[dev2]\naws_access_key_id = ${DEV2.id}\naws_secret_access_key = ${DEV2.secret}\n` +
        `[base]\naws_access_key_id = ${base.accessKeyId}\naws_secret_access_key = ${base.secretAccessKey}\n`,
    );
    await writeFile(
      join(dir, 'config'),
      '[profile dev]\nregion = ap-southeast-2\n[profile dev2]\nregion = ca-central-1\n' +
        `[profile deploy]\nrole_arn = arn:aws:iam::${ACCOUNT}:role/Deploy\nsource_profile = base\nregion = eu-west-1\n`,
    );
  });
  after(async () => {
    await sts?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Both tools' tokens for one command line; eks-token's clock frozen at aws's signing second. */
  async function both(argv: string[], env: Env, ourEnv: Env = env) {
    const peer = await exec('aws', argv, { env: { PATH: process.env.PATH ?? '', ...baseEnv(), ...env } });
    const theirs = JSON.parse(peer.stdout).status.token as string;
    const r = await runCli(argv, {
      ...baseEnv(),
      ...ourEnv,
      NODE_OPTIONS: `--require ${FROZEN_CLOCK}`,
      FROZEN_CLOCK_MS: String(signingMs(theirs)),
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '', 'nothing on stderr, as aws prints nothing');
    return { theirs, ours: JSON.parse(r.stdout).status.token as string, stdout: r.stdout, peer: peer.stdout };
  }

  /** Asserts equal tokens, and that the case signed with `keyId` for `host` (so it tests what it says). */
  async function sameToken(argv: string[], env: Env, keyId: string, host: string, ourEnv?: Env) {
    const { theirs, ours, stdout, peer } = await both(argv, env, ourEnv);
    assert.equal(ours, theirs);
    assert.equal(paramsOf(ours)['x-amz-credential']?.split('/')[0], keyId);
    assert.equal(new URL(decodeEksToken(ours) ?? '').host, host);
    const o = JSON.parse(stdout);
    const p = JSON.parse(peer);
    assert.equal(o.kind, p.kind);
    assert.equal(o.apiVersion, p.apiVersion);
    return ours;
  }

  const GET_TOKEN = ['eks', 'get-token', '--cluster-name', 'my-cluster'];

  it('the command line aws eks update-kubeconfig writes, as it is', async () => {
    await sameToken(
      ['--region', 'eu-west-1', 'eks', 'get-token', '--cluster-name', 'my-cluster', '--output', 'json'],
      ENV_KEYS,
      ENV_KEYS.AWS_ACCESS_KEY_ID,
      'sts.eu-west-1.amazonaws.com',
    );
  });

  it('global options after the command, and ones that cannot change the token', async () => {
    await sameToken(
      // (--no-cli-pager, also accepted, is AWS CLI v2's only.)
      [
        ...GET_TOKEN,
        '--region',
        'eu-west-1',
        '--no-paginate',
        '--color',
        'off',
        '--cli-read-timeout',
        '5',
        '--cli-connect-timeout',
        '5',
        '--endpoint-url',
        'https://eks.invalid',
      ],
      ENV_KEYS,
      ENV_KEYS.AWS_ACCESS_KEY_ID,
      'sts.eu-west-1.amazonaws.com',
    );
  });

  it('environment keys beat AWS_PROFILE (whose region still counts)', async () => {
    await sameToken(
      GET_TOKEN,
      { ...ENV_KEYS, AWS_PROFILE: 'dev' },
      ENV_KEYS.AWS_ACCESS_KEY_ID,
      'sts.ap-southeast-2.amazonaws.com',
    );
  });

  it('an explicit --profile beats environment keys', async () => {
    await sameToken([...GET_TOKEN, '--profile', 'dev'], ENV_KEYS, DEV.id, 'sts.ap-southeast-2.amazonaws.com');
    await sameToken(
      ['--profile', 'dev', ...GET_TOKEN],
      { ...ENV_KEYS, AWS_PROFILE: 'dev2' },
      DEV.id,
      'sts.ap-southeast-2.amazonaws.com',
    );
  });

  it('AWS_DEFAULT_PROFILE before AWS_PROFILE, as the AWS CLI reads them', async () => {
    await sameToken(
      GET_TOKEN,
      { AWS_DEFAULT_PROFILE: 'dev2', AWS_PROFILE: 'dev' },
      DEV2.id,
      'sts.ca-central-1.amazonaws.com',
    );
    await sameToken(GET_TOKEN, { AWS_DEFAULT_PROFILE: 'dev2' }, DEV2.id, 'sts.ca-central-1.amazonaws.com');
  });

  it('AWS_SECURITY_TOKEN is the session token, and wins over AWS_SESSION_TOKEN', async () => {
    const region = ['--region', 'eu-west-1'];
    const t1 = await sameToken(
      [...GET_TOKEN, ...region],
      { ...ENV_KEYS, AWS_SECURITY_TOKEN: SESSION },
      ENV_KEYS.AWS_ACCESS_KEY_ID,
      'sts.eu-west-1.amazonaws.com',
    );
    assert.equal(paramsOf(t1)['x-amz-security-token'], SESSION);
    const t2 = await sameToken(
      [...GET_TOKEN, ...region],
      { ...ENV_KEYS, AWS_SECURITY_TOKEN: SESSION, AWS_SESSION_TOKEN: 'other-session-token' },
      ENV_KEYS.AWS_ACCESS_KEY_ID,
      'sts.eu-west-1.amazonaws.com',
    );
    assert.equal(paramsOf(t2)['x-amz-security-token'], SESSION);
  });

  it('region sources: --region, AWS_DEFAULT_REGION, the profile, in that order', async () => {
    await sameToken(
      GET_TOKEN,
      { ...ENV_KEYS, AWS_DEFAULT_REGION: 'us-west-2' },
      ENV_KEYS.AWS_ACCESS_KEY_ID,
      'sts.us-west-2.amazonaws.com',
    );
    await sameToken(
      [...GET_TOKEN, '--region', 'eu-north-1'],
      { ...ENV_KEYS, AWS_DEFAULT_REGION: 'us-west-2', AWS_PROFILE: 'dev' },
      ENV_KEYS.AWS_ACCESS_KEY_ID,
      'sts.eu-north-1.amazonaws.com',
    );
    await sameToken(
      GET_TOKEN,
      { ...ENV_KEYS, AWS_DEFAULT_REGION: 'us-west-2', AWS_PROFILE: 'dev' },
      ENV_KEYS.AWS_ACCESS_KEY_ID,
      'sts.us-west-2.amazonaws.com',
    );
  });

  it('AWS_REGION as the AWS CLI v2 reads it (v1, installed here, reads only AWS_DEFAULT_REGION)', async () => {
    // aws v1 gets the region as AWS_DEFAULT_REGION; eks-token the same value as AWS_REGION, over a
    // different AWS_DEFAULT_REGION, as v2 ranks them.
    await sameToken(
      GET_TOKEN,
      { ...ENV_KEYS, AWS_DEFAULT_REGION: 'sa-east-1' },
      ENV_KEYS.AWS_ACCESS_KEY_ID,
      'sts.sa-east-1.amazonaws.com',
      { ...ENV_KEYS, AWS_REGION: 'sa-east-1', AWS_DEFAULT_REGION: 'us-west-2' },
    );
  });

  /** Both tokens name the same principal at STS, and agree on every parameter the keys do not decide. */
  async function samePrincipal(argv: string[], env: Env) {
    const { theirs, ours } = await both(argv, env);
    const their = paramsOf(theirs);
    const our = paramsOf(ours);
    const keyBound = ['x-amz-credential', 'x-amz-signature', 'x-amz-security-token'];
    for (const name of keyBound) {
      delete their[name];
      delete our[name];
    }
    assert.deepEqual(our, their);
    // aws also points the token at AWS_ENDPOINT_URL_STS; eks-token keeps the host EKS accepts.
    assert.equal(new URL(decodeEksToken(ours) ?? '').host, 'sts.eu-west-1.amazonaws.com');
    // Ours as EKS checks it; aws's, whose URL points at the loopback STS itself, sent there as it is.
    const parsed = checkEksToken(ours, Date.now());
    assert.ok(parsed.ok, JSON.stringify(parsed));
    const mine = await callStsForToken(parsed, 'my-cluster', sts.url);
    assert.ok('canonicalArn' in mine, JSON.stringify(mine));
    const answer = await fetch(decodeEksToken(theirs) ?? '', {
      headers: { 'x-k8s-aws-id': 'my-cluster', accept: 'application/json' },
    });
    assert.equal(answer.status, 200);
    const peerArn = (
      (await answer.json()) as { GetCallerIdentityResponse: { GetCallerIdentityResult: { Arn: string } } }
    ).GetCallerIdentityResponse.GetCallerIdentityResult.Arn;
    const identities = [
      {
        arn: peerArn,
        canonicalArn: peerArn.replace(
          /^arn:aws:sts::(\d+):assumed-role\/([^/]+)\/.*$/,
          'arn:aws:iam::$1:role/$2',
        ),
      },
      mine,
    ];
    return identities as Array<{ arn: string; canonicalArn: string; accountId: string }>;
  }

  it('a role profile through the loopback STS: the same role, the same query', async () => {
    const [theirs, ours] = await samePrincipal(GET_TOKEN, {
      AWS_PROFILE: 'deploy',
      AWS_ENDPOINT_URL_STS: sts.url,
    });
    assert.equal(ours?.canonicalArn, `arn:aws:iam::${ACCOUNT}:role/Deploy`);
    assert.equal(ours?.canonicalArn, theirs?.canonicalArn);
  });

  it('--role-arn: the same assumed-role ARN, session name included', async () => {
    const user = sts.addUser(ACCOUNT, 'rolecaller');
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/Viewer`;
    sts.addRole({ roleArn, trustedPrincipals: [user.arn] });
    const [theirs, ours] = await samePrincipal(
      [...GET_TOKEN, '--region', 'eu-west-1', '--role-arn', roleArn],
      {
        AWS_ACCESS_KEY_ID: user.accessKeyId,
        AWS_SECRET_ACCESS_KEY: user.secretAccessKey,
        AWS_ENDPOINT_URL_STS: sts.url,
      },
    );
    assert.equal(ours?.arn, `arn:aws:sts::${ACCOUNT}:assumed-role/Viewer/EKSGetTokenAuth`);
    assert.equal(ours?.arn, theirs?.arn);
  });
});
