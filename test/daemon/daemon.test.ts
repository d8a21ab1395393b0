import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { execRequestLine } from '../../src/protocol/DaemonRequest.js';
import { parseExecReply } from '../../src/protocol/parseAnswerLine.js';
import { requestFromDaemon } from '../../src/protocol/requestFromDaemon.js';
import { sendControl } from '../../src/protocol/sendControl.js';
import { fetchTokenIdentity } from '../../src/token/fetchCallerIdentity.js';
import { DaemonHarness, issuedSecrets, KEYS, tokenOf, urlOf } from '../helpers/daemonHarness.js';
import { type StsTestServer, startStsTestServer } from '../helpers/stsTestServer.js';

const ACCOUNT = '111122223333';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/deployer`;
const OTHER_ROLE = `arn:aws:iam::${ACCOUNT}:role/auditor`;
const KEYS2 = {
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE2',
  AWS_SECRET_ACCESS_KEY: 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY',
};

let h: DaemonHarness;
let sts: StsTestServer;
const secrets: string[] = [KEYS.AWS_SECRET_ACCESS_KEY, KEYS2.AWS_SECRET_ACCESS_KEY];

before(async () => {
  h = new DaemonHarness();
  sts = await startStsTestServer();
  const alice = sts.addUser(ACCOUNT, 'alice');
  const bob = sts.addUser(ACCOUNT, 'bob');
  sts.addIdentity({
    ...identityOf(KEYS),
    arn: `arn:aws:iam::${ACCOUNT}:user/static`,
    userId: 'AIDASTATIC',
    account: ACCOUNT,
  });
  sts.addIdentity({
    ...identityOf(KEYS2),
    arn: `arn:aws:iam::${ACCOUNT}:user/static2`,
    userId: 'AIDASTATIC2',
    account: ACCOUNT,
  });
  for (const roleArn of [ROLE, OTHER_ROLE]) sts.addRole({ roleArn, trustedPrincipals: [alice.arn] });
  secrets.push(alice.secretAccessKey, bob.secretAccessKey);
  h.writeHome('.aws/credentials', `[alice]\n${keysIni(alice)}\n[bob]\n${keysIni(bob)}\n`);
  h.writeHome('.aws/config', `[profile deployer]\nrole_arn = ${ROLE}\nsource_profile = alice\n`);
  await h.startDaemon();
});

after(async () => {
  secrets.push(...issuedSecrets(sts));
  await sts.close();
  await h.cleanup(secrets);
});

function identityOf(keys: typeof KEYS) {
  return { accessKeyId: keys.AWS_ACCESS_KEY_ID, secretAccessKey: keys.AWS_SECRET_ACCESS_KEY };
}

function keysIni(identity: { accessKeyId: string; secretAccessKey: string }): string {
  return `aws_access_key_id = ${identity.accessKeyId}\naws_secret_access_key = ${identity.secretAccessKey}`;
}

function callerEnv(extra: Record<string, string | undefined>) {
  return h.env({ AWS_ENDPOINT_URL_STS: sts.url, AWS_REGION: 'eu-west-1', ...extra });
}

async function token(env: Record<string, string | undefined>, args: string[] = []) {
  const r = await h.run(['token', '-i', 'eks-a', '--daemon', 'on', '--debug', ...args], env);
  assert.equal(r.code, 0, r.stderr);
  return { token: tokenOf(r.stdout), stdout: r.stdout, stderr: r.stderr };
}

async function arnOf(tokenText: string): Promise<string> {
  return (await fetchTokenIdentity(tokenText, 'eks-a', { AWS_ENDPOINT_URL_STS: sts.url })).arn;
}

test('a cache hit returns the same token, equal to the one the plugin makes itself', async () => {
  const env = callerEnv(KEYS);
  const first = await token(env);
  assert.match(first.stderr, /token from the daemon \(minted\)/);
  const second = await token(env);
  assert.match(second.stderr, /token from the daemon \(cached\)/);
  assert.equal(second.token, first.token);
  // The exec apiVersion is formatted by the plugin: a v1 caller shares the cached token.
  const v1 = await token({
    ...env,
    KUBERNETES_EXEC_INFO: '{"apiVersion":"client.authentication.k8s.io/v1"}',
  });
  assert.equal(v1.token, first.token);
  assert.equal(JSON.parse(v1.stdout).apiVersion, 'client.authentication.k8s.io/v1');
  const own = await h.run(['token', '-i', 'eks-a', '--daemon', 'off'], env);
  assert.equal(own.code, 0, own.stderr);
  const [a, b] = [urlOf(first.token), urlOf(tokenOf(own.stdout))];
  assert.equal(a.host, b.host);
  for (const name of ['Action', 'Version', 'X-Amz-Algorithm', 'X-Amz-Expires', 'X-Amz-SignedHeaders']) {
    assert.equal(a.searchParams.get(name), b.searchParams.get(name), name);
  }
  assert.equal(a.searchParams.get('X-Amz-Credential')?.split('/')[0], KEYS.AWS_ACCESS_KEY_ID);
  assert.deepEqual(
    a.searchParams.get('X-Amz-Credential')?.split('/').slice(2),
    b.searchParams.get('X-Amz-Credential')?.split('/').slice(2),
  );
  assert.equal(await arnOf(first.token), await arnOf(tokenOf(own.stdout)));
  assert.equal(await arnOf(first.token), `arn:aws:iam::${ACCOUNT}:user/static`);
});

/** The daemon's cache counters. */
async function counters(): Promise<{ hits: number; misses: number }> {
  const status = await sendControl(h.socket, 'status');
  assert.ok(status.ok);
  return (status.reply.status as { counters: { hits: number; misses: number } }).counters;
}

test('a plain call gets, byte for byte, what the full CLI prints for the same cached token', async () => {
  const env = callerEnv(KEYS);
  const forms: Array<[string, Record<string, string>, string[]]> = [
    ['v1beta1 (no exec info)', {}, []],
    ['v1', { KUBERNETES_EXEC_INFO: '{"apiVersion":"client.authentication.k8s.io/v1","spec":{}}' }, []],
    ['bare token', {}, ['--token-only']],
  ];
  await token(env);
  for (const [name, extraEnv, args] of forms) {
    // --debug runs the full CLI, which asks for the token and formats it itself; without it the
    // entry sends its command line and prints the daemon's answer as it comes.
    const full = await h.run(['token', '-i', 'eks-a', '--daemon', 'on', '--debug', ...args], {
      ...env,
      ...extraEnv,
    });
    assert.match(full.stderr, /token from the daemon \(cached\)/, name);
    const before = await counters();
    const plain = await h.run(['token', '-i', 'eks-a', '--daemon', 'on', ...args], { ...env, ...extraEnv });
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(plain.stdout, full.stdout, name);
    assert.equal(plain.stderr, '', name);
    const after = await counters();
    assert.deepEqual(
      [after.hits, after.misses],
      [before.hits + 1, before.misses],
      `${name}: one cache entry`,
    );
  }
});

test('what the plugin must run itself, the daemon leaves to it (E_NOT_FOR_DAEMON)', async () => {
  const env = callerEnv(KEYS);
  const ask = (argv: string[], extra: Record<string, string> = {}) =>
    new Promise<string | undefined>((resolve) =>
      requestFromDaemon(
        { line: execRequestLine(argv, { ...env, ...extra }), parse: parseExecReply },
        env,
        Date.now,
        (outcome) => resolve(outcome.ok ? 'answered' : outcome.code),
      ),
    );
  const plain = ['token', '-i', 'eks-a', '--daemon', 'on'];
  assert.equal(await ask(plain), 'answered');
  assert.equal(await ask(['get-token', '--cluster-name', 'eks-a', '--daemon', 'auto']), 'answered');
  assert.equal(await ask(['token', '-i', 'eks-a'], { EKS_TOKEN_DAEMON: 'on' }), 'answered');
  // --debug changes nothing the daemon prints; the plugin adds its own lines.
  assert.equal(await ask([...plain, '--debug']), 'answered');
  for (const [argv, extra] of [
    [['token', '-i', 'eks-a', '--daemon', 'off']],
    [['token', '-i', 'eks-a'], { EKS_TOKEN_DAEMON: 'off' }],
    [['token', '-i', 'eks-a']],
    [[...plain, '--help']],
    [[...plain, '--bogus']],
    [['token', '--daemon', 'on']],
    [['version']],
    [plain, { KUBERNETES_EXEC_INFO: '{"apiVersion":"client.authentication.k8s.io/v2"}' }],
  ] as Array<[string[], Record<string, string>?]>) {
    assert.equal(await ask(argv, extra), 'E_NOT_FOR_DAEMON', argv.join(' '));
  }
});

test('different profile, role, region or static keys get different tokens and identities', async () => {
  const cases: Array<[string, Record<string, string>, string[], RegExp]> = [
    ['profile alice', { AWS_PROFILE: 'alice' }, [], /user\/alice$/],
    ['profile bob', { AWS_PROFILE: 'bob' }, [], /user\/bob$/],
    ['assume-role profile', { AWS_PROFILE: 'deployer' }, [], /assumed-role\/deployer\//],
    ['--role flag', { AWS_PROFILE: 'alice' }, ['--role', OTHER_ROLE], /assumed-role\/auditor\//],
    ['other region', { AWS_PROFILE: 'alice', AWS_REGION: 'us-west-2' }, [], /user\/alice$/],
    ['static keys', KEYS, [], /user\/static$/],
    ['other static keys', KEYS2, [], /user\/static2$/],
  ];
  const tokens = new Set<string>();
  for (const [name, extra, args, arn] of cases) {
    const env = callerEnv(extra);
    const first = await token(env, args);
    const again = await token(env, args);
    assert.equal(again.token, first.token, `${name}: second call is a cache hit`);
    assert.match(again.stderr, /\(cached\)/, name);
    assert.match(await arnOf(first.token), arn, name);
    tokens.add(first.token);
  }
  assert.equal(tokens.size, cases.length);
  const hosts = [...tokens].map((t) => urlOf(t).host);
  assert.ok(hosts.includes('sts.us-west-2.amazonaws.com'));
});

test('changing the credentials file replaces the tokens made from it', async () => {
  const env = callerEnv({ AWS_PROFILE: 'bob' });
  const before = await token(env);
  const carol = sts.addUser(ACCOUNT, 'carol');
  secrets.push(carol.secretAccessKey);
  h.writeHome('.aws/credentials', `[bob]\n${keysIni(carol)}\n`);
  const afterChange = await token(env);
  assert.notEqual(afterChange.token, before.token);
  assert.match(await arnOf(afterChange.token), /user\/carol$/);
});

test('status shows counters and entries but never a token or key; flush empties the cache', async () => {
  const r = await h.run(['daemon', 'status', '--json'], h.env());
  assert.equal(r.code, 0, r.stderr);
  const status = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(status).sort(), [
    'counters',
    'entries',
    'entryCount',
    'pid',
    'socket',
    'unserved',
    'uptimeSeconds',
    'version',
  ]);
  assert.deepEqual(Object.keys(status.counters).sort(), [
    'credentialFetches',
    'errors',
    'hits',
    'misses',
    'renewals',
  ]);
  assert.equal(status.socket, h.socket);
  assert.ok(status.counters.hits >= 8 && status.counters.misses >= 8, r.stdout);
  assert.ok(status.counters.credentialFetches >= 4, r.stdout);
  const row = status.entries.find((e: { role: string | null }) => e.role === OTHER_ROLE);
  assert.deepEqual(Object.keys(row).sort(), ['cluster', 'expiresInSeconds', 'hits', 'region', 'role']);
  assert.equal(row.cluster, 'eks-a');
  assert.ok(row.expiresInSeconds > 600 && row.expiresInSeconds <= 840, String(row.expiresInSeconds));
  assert.doesNotMatch(r.stdout, /k8s-aws-v1|AKID|Secret|wJalr/);
  const text = await h.run(['daemon', 'status'], h.env());
  assert.match(text.stdout, /counters: hits \d+, misses \d+, renewals 0, errors 0, credential fetches \d+/);
  assert.match(text.stdout, /CLUSTER\s+ROLE\s+REGION\s+EXPIRES IN\s+HITS/);
  const flushed = await h.run(['daemon', 'flush'], h.env());
  assert.match(flushed.stdout, /flushed \d+ cached tokens/);
  assert.match((await token(callerEnv(KEYS))).stderr, /\(minted\)/);
});

test('notes the plugin would print reach stderr on every hit, too', async () => {
  const env = h.env({ ...KEYS, AWS_REGION: undefined });
  for (let i = 0; i < 2; i++) {
    const r = await token(env);
    assert.match(r.stderr, /note: no region set .* using us-east-1/);
    assert.equal(urlOf(r.token).host, 'sts.us-east-1.amazonaws.com');
  }
  // A plain call prints the daemon's formatted answer: the same note, once.
  const plain = await h.run(['token', '-i', 'eks-a', '--daemon', 'on'], env);
  assert.equal(plain.code, 0, plain.stderr);
  assert.match(plain.stderr, /^eks-token: note: no region set .* using us-east-1\n$/);
});
