import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type DnsTestServer, reply, startDnsTestServer, txt } from '../helpers/dnsTestServer.js';
import { isolatedEnv, runCli } from '../helpers/runCli.js';
import { type StsIdentity, type StsTestServer, startStsTestServer } from '../helpers/stsTestServer.js';

const ACCOUNT = '111122223333';

describe('eks-token whoami', () => {
  let sts: StsTestServer;
  let dns: DnsTestServer;
  let alice: StsIdentity;
  const roleArn = `arn:aws:iam::${ACCOUNT}:role/eks/admins`;

  before(async () => {
    sts = await startStsTestServer();
    alice = sts.addUser(ACCOUNT, 'alice');
    sts.addRole({ roleArn, trustedPrincipals: [alice.arn] });
    dns = await startDnsTestServer((query) => {
      const name = query.questions?.[0]?.name ?? '';
      return [
        {
          packet: reply(
            query,
            name === 'prod.eks.example.com' ? { answers: [txt(name, 'prod-green')] } : { rcode: 'NXDOMAIN' },
          ),
        },
      ];
    });
  });
  after(async () => {
    await sts?.close();
    await dns?.close();
  });

  const env = (keys: { accessKeyId: string; secretAccessKey: string } = alice) =>
    isolatedEnv({
      AWS_ACCESS_KEY_ID: keys.accessKeyId,
      AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
      AWS_ENDPOINT_URL_STS: sts.url,
    });

  it('sends the token GetCallerIdentity as EKS does and prints who and what for', async () => {
    sts.resetCalls();
    const r = await runCli(['whoami', '-i', 'prod', '--region', 'eu-west-1'], env());
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout.replace(/^Token expires: .*\n/m, ''),
      [
        `Account:       ${ACCOUNT}`,
        `ARN:           ${alice.arn}`,
        `UserId:        ${alice.userId}`,
        `Mapped as:     ${alice.arn} (the ARN aws-auth and access entries match)`,
        'Cluster:       prod',
        'Region:        eu-west-1',
        'STS host:      sts.eu-west-1.amazonaws.com',
        '',
      ].join('\n'),
    );
    assert.match(r.stdout, /^Token expires: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/m);
    // Exactly one call: a presigned GET carrying x-k8s-aws-id and the token's own Host.
    assert.equal(sts.calls.length, 1);
    const call = sts.calls[0];
    assert.equal(call?.auth, 'presigned');
    assert.equal(call?.method, 'GET');
    assert.equal(call?.clusterIdHeader, 'prod');
    assert.equal(call?.host, 'sts.eu-west-1.amazonaws.com');
    assert.equal(call?.status, 200);
  });

  it('--json, through an assumed role, for a TXT-named cluster', async () => {
    const args = [
      'whoami',
      '--json',
      '-i',
      'prod.eks.example.com',
      '--dns-server',
      dns.address,
      '--role',
      roleArn,
      '--region',
      'cn-north-1',
    ];
    const r = await runCli(args, env());
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.account, ACCOUNT);
    assert.match(out.arn, /^arn:aws:sts::111122223333:assumed-role\/admins\/eks-token-\d+$/);
    // aws-iam-authenticator maps the role (path dropped), not the session.
    assert.equal(out.mappedArn, `arn:aws:iam::${ACCOUNT}:role/admins`);
    assert.equal(out.clusterId, 'prod.eks.example.com');
    assert.equal(out.clusterName, 'prod-green');
    assert.equal(out.stsHost, 'sts.cn-north-1.amazonaws.com.cn');
    assert.equal(sts.calls.at(-1)?.clusterIdHeader, 'prod-green');
  });

  it('works without a cluster and says so', async () => {
    const r = await runCli(['whoami', '--region', 'eu-west-1'], env());
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Cluster: +\(none: pass -i CLUSTER to check a cluster name\)$/m);
    const json = JSON.parse((await runCli(['whoami', '--json', '--region', 'eu-west-1'], env())).stdout);
    assert.equal(json.clusterName, null);
  });

  it('failures are one line: keys STS does not know, no credentials, bad flags', async () => {
    const unknown = await runCli(
      ['whoami', '-i', 'prod', '--region', 'eu-west-1'],
      env({ accessKeyId: 'AKIAUNKNOWN', secretAccessKey: 'x' }),
    );
    const none = await runCli(
      ['whoami', '-i', 'prod', '--region', 'eu-west-1'],
      isolatedEnv({ AWS_ENDPOINT_URL_STS: sts.url }),
    );
    const flag = await runCli(['whoami', '--frobnicate'], env());
    for (const [r, message] of [
      [unknown, /STS GetCallerIdentity at sts\.eu-west-1\.amazonaws\.com answered 403 InvalidClientTokenId/],
      [none, /credentials/],
      [flag, /^eks-token: whoami: Unknown option '--frobnicate': see eks-token whoami --help$/],
    ] as const) {
      assert.equal(r.code, 1, r.stdout);
      assert.equal(r.stdout, '');
      assert.equal(
        r.stderr
          .trimEnd()
          .split('\n')
          .filter((l) => !l.includes(': note:')).length,
        1,
        r.stderr,
      );
      assert.match(r.stderr.trimEnd(), message);
      assert.doesNotMatch(r.stderr, /k8s-aws-v1\./);
    }
  });
});
