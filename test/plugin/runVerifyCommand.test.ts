import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type CliResult, isolatedEnv, runCli } from '../helpers/runCli.js';
import { type StsIdentity, type StsTestServer, startStsTestServer } from '../helpers/stsTestServer.js';
import { encodeEksToken, makeEksToken, presignGetCallerIdentity } from '../helpers/testTokens.js';

/** Exit 1, nothing on stdout, one `eks-token: ...` line on stderr matching `message`. */
function assertFails(r: CliResult, message: RegExp): void {
  assert.equal(r.code, 1, r.stdout);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
  assert.match(r.stderr.trimEnd(), /^eks-token: .+: .+$/);
  assert.match(r.stderr, message);
}

describe('eks-token verify', () => {
  let sts: StsTestServer;
  let alice: StsIdentity;
  // Tokens come from aws4 (test/helpers/testTokens.ts); STS checks them with its own SigV4 verifier.
  const token = (o: Partial<Parameters<typeof presignGetCallerIdentity>[0]> = {}) =>
    makeEksToken({ credentials: alice, clusterName: 'prod', ...o });

  before(async () => {
    sts = await startStsTestServer();
    alice = sts.addUser('111122223333', 'alice');
  });
  after(() => sts?.close());

  const env = () => isolatedEnv({ AWS_ENDPOINT_URL_STS: sts.url });

  it('a good token is ok, and without --sts nothing is sent anywhere', async () => {
    sts.resetCalls();
    const r = await runCli(['verify', '--token', token(), '-i', 'prod'], env());
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      new RegExp(
        `^ok: STS host sts\\.eu-west-1\\.amazonaws\\.com, key ${alice.accessKeyId}, valid until \\S+Z\\n$`,
      ),
    );
    assert.equal(sts.calls.length, 0);
  });

  it('names the failing check', async () => {
    const cases: Array<[string, RegExp]> = [
      [
        token({ host: 'sts.eu-west-1.amazonaws.com.evil.example' }),
        /fails check "host": STS host "sts\.eu-west-1\.amazonaws\.com\.evil\.example" is not one EKS accepts: mint it/,
      ],
      [token({ signClusterId: false }), /fails check "signed-cluster-id"/],
      [
        token({ now: Date.now() - 16 * 60_000 }),
        /fails check "date-expired": signed at .*: tokens live 15 minutes/,
      ],
      [token({ expires: 3600 }), /fails check "expires"/],
      [
        token({ extraQuery: { 'X-Amz-User-Agent': 'x' } }),
        /fails check "query-key": query parameter "X-Amz-User-Agent" is not allowed/,
      ],
      [`Bearer ${token()}`, /fails check "prefix"/],
      [
        encodeEksToken(
          presignGetCallerIdentity({ credentials: alice, clusterName: 'p' }).replace('https:', 'http:'),
        ),
        /fails check "scheme"/,
      ],
    ];
    for (const [t, message] of cases) assertFails(await runCli(['verify', '--token', t], env()), message);
  });

  it('reads the token, or a whole ExecCredential, from stdin with --token -', async () => {
    const raw = await runCli(['verify', '--token', '-'], env(), { stdin: `${token()}\n` });
    assert.match(raw.stdout, /^ok: /, raw.stderr);
    const keys = { AWS_ACCESS_KEY_ID: alice.accessKeyId, AWS_SECRET_ACCESS_KEY: alice.secretAccessKey };
    const minted = await runCli(['token', '-i', 'prod', '--region', 'eu-central-1'], isolatedEnv(keys));
    assert.equal(minted.code, 0, minted.stderr);
    const r = await runCli(['verify', '--token', '-', '-i', 'prod', '--sts'], env(), {
      stdin: minted.stdout,
    });
    assert.match(
      r.stdout,
      /^ok: STS host sts\.eu-central-1\.amazonaws\.com, .*; STS accepts it for cluster prod as arn:aws:iam::111122223333:user\/alice/,
      r.stderr,
    );
  });

  it('--sts asks STS like EKS does: the right cluster passes, another cluster or a tampered token fails', async () => {
    sts.resetCalls();
    const good = await runCli(['verify', '--token', token(), '-i', 'prod', '--sts'], env());
    assert.equal(good.code, 0, good.stderr);
    assert.match(
      good.stdout,
      /STS accepts it for cluster prod as arn:aws:iam::111122223333:user\/alice \(account 111122223333\)/,
    );
    assert.equal(sts.calls.at(-1)?.clusterIdHeader, 'prod');
    assertFails(
      await runCli(['verify', '--token', token(), '-i', 'other', '--sts'], env()),
      /fails check "sts" for cluster other: STS GetCallerIdentity .* answered 403 SignatureDoesNotMatch: the token was minted for another cluster/,
    );
    const url = presignGetCallerIdentity({ credentials: alice, clusterName: 'prod' });
    const tampered = encodeEksToken(
      url.replace(/X-Amz-Signature=(.)/, (_, c) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`),
    );
    assertFails(
      await runCli(['verify', '--token', tampered, '-i', 'prod', '--sts'], env()),
      /fails check "sts"/,
    );
  });

  it('usage errors', async () => {
    assertFails(await runCli(['verify'], env()), /verify: no token given: pass --token TOKEN/);
    assertFails(await runCli(['verify', '--token', token(), '--sts'], env()), /--sts needs the cluster/);
    assertFails(
      await runCli(['verify', '--token'], env()),
      /verify: Option '-t, --token <value>' argument missing/,
    );
  });
});
