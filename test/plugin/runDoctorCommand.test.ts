import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Dnsmasq, hasDnsmasq, startDnsmasq } from '../helpers/dnsmasq.js';
import { CLI, isolatedEnv, runCli } from '../helpers/runCli.js';
import { type StsTestServer, startStsTestServer } from '../helpers/stsTestServer.js';
import { generateTestTls, type TestTls } from '../helpers/testTls.js';

const ACCOUNT = '111122223333';

describe('eks-token doctor', { skip: hasDnsmasq() ? false : 'dnsmasq not installed' }, () => {
  let dir: string;
  let sts: StsTestServer;
  let dns: Dnsmasq;
  let tls: TestTls;
  let clock = Date.now;
  const user = { accessKeyId: '', secretAccessKey: '', arn: '' };
  const kubeconfigs: Record<string, string> = {};

  /** A kubeconfig with one user per entry: [name, command, args]. */
  async function kubeconfig(name: string, users: Array<[string, string, string[]]>): Promise<string> {
    const file = join(dir, `${name}.yaml`);
    await writeFile(
      file,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        users: users.map(([n, command, args]) => ({
          name: n,
          user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command, args } },
        })),
      }),
    );
    return file;
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eks-token-doctor-'));
    sts = await startStsTestServer({ now: () => clock() });
    Object.assign(user, sts.addUser(ACCOUNT, 'doc'));
    dns = await startDnsmasq({ txt: { 'eks.doctor.test': 'eks-green' }, localDomains: ['doctor.test'] });
    tls = await generateTestTls();
    await mkdir(join(dir, 'run'), { mode: 0o700 });
    await mkdir(join(dir, 'run-unsafe/eks-token'), { recursive: true, mode: 0o700 });
    await chmod(join(dir, 'run-unsafe/eks-token'), 0o777);
    const dnsServer = `127.0.0.1:${dns.port}`;
    kubeconfigs.healthy = await kubeconfig('healthy', [
      ['green', CLI, ['token', '-i', 'eks.doctor.test', '--region', 'eu-west-1', '--dns-server', dnsServer]],
    ]);
    kubeconfigs.badArgs = await kubeconfig('bad-args', [
      ['bad', CLI, ['token', '-i', 'eks-green', '--bogus']],
    ]);
    kubeconfigs.aws = await kubeconfig('aws', [
      ['legacy', 'aws', ['--region', 'eu-west-1', 'eks', 'get-token', '--cluster-name', 'eks-green']],
    ]);
  });
  after(async () => {
    await dns?.stop();
    await sts?.close();
    await tls?.cleanup();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const healthyEnv = (extra: Record<string, string | undefined> = {}) =>
    isolatedEnv({
      HOME: dir,
      PATH: `${dirname(CLI)}:${process.env.PATH}`,
      AWS_ENDPOINT_URL_STS: sts.url,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: user.accessKeyId,
      AWS_SECRET_ACCESS_KEY: user.secretAccessKey,
      XDG_RUNTIME_DIR: join(dir, 'run'),
      KUBECONFIG: kubeconfigs.healthy,
      NODE_EXTRA_CA_CERTS: tls.caFile,
      ...extra,
    });
  const doctor = async (args: string[], env: Record<string, string | undefined>) => {
    const r = await runCli(['doctor', ...args], env);
    const lines = r.stdout.trimEnd().split('\n');
    const line = (status: string, area: string) =>
      lines.find((l) => l.startsWith(`${status.padEnd(4)} ${area.padEnd(11)} `));
    // Whatever the set-up, no key and no token is ever printed.
    for (const secret of [user.secretAccessKey, user.accessKeyId, 'k8s-aws-v1.'])
      assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), 'a secret was printed');
    return { ...r, lines, line };
  };

  it('a healthy set-up: every check ok or warn, exit 0', async () => {
    const r = await doctor(['-i', 'eks.doctor.test', '--dns-server', `127.0.0.1:${dns.port}`], healthyEnv());
    assert.equal(r.code, 0, r.stdout + r.stderr);
    for (const l of r.lines) assert.match(l, /^(ok|warn) /, l);
    // ok when install.sh recorded this Node or it is beside the launcher; a checkout finds it on PATH.
    assert.match(r.lines[0] ?? '', /^(ok {3}|warn )node {8}Node v\d+\.\d+\.\d+ at \//);
    assert.equal(r.line('ok', 'path'), `ok   path        kubectl runs ${CLI} for "eks-token", this copy`);
    assert.match(
      r.line('ok', 'kubeconfig') ?? '',
      /user green \(.*healthy\.yaml\): .* token, arguments parse \(cluster eks\.doctor\.test\)$/,
    );
    assert.equal(r.line('ok', 'ca'), `ok   ca          NODE_EXTRA_CA_CERTS ${tls.caFile}: 1 certificate`);
    assert.match(
      r.line('ok', 'credentials') ?? '',
      /environment keys \(AWS_ACCESS_KEY_ID\): arn:aws:iam::111122223333:user\/doc \(account 111122223333, STS sts\.eu-west-1\.amazonaws\.com\)$/,
    );
    assert.match(
      r.line('ok', 'clock') ?? '',
      /^ok {3}clock {7}\d+ s (ahead of|behind) STS \(Date from 127\.0\.0\.1:\d+\)$/,
    );
    assert.match(
      r.line('ok', 'dns') ?? '',
      /eks\.doctor\.test -> eks-green \(TXT from 127\.0\.0\.1:\d+, ttl \d+ s\)$/,
    );
    assert.match(r.line('ok', 'daemon') ?? '', /not running/);
    // Built by npm test's build where cc exists; else the line that builds it.
    assert.match(
      r.line('ok', 'native') ?? '',
      /answered by .*eks-token-hit, without Node$|^.*no native client: .*fix: /,
    );
    assert.equal(r.lines.length, 10, r.stdout);
  });

  it('--offline names the credential source without calling STS, and does not call it ok', async () => {
    const before = sts.calls.length;
    const r = await doctor(['--offline'], healthyEnv());
    assert.equal(r.code, 0, r.stdout);
    assert.equal(r.line('ok', 'credentials'), undefined, r.stdout);
    assert.match(
      r.line('skip', 'credentials') ?? r.stdout,
      /^skip credentials environment keys \(AWS_ACCESS_KEY_ID\): not checked \(--offline\)$/,
    );
    assert.equal(r.line('ok', 'clock'), undefined);
    assert.equal(r.line('skip', 'clock'), 'skip clock       not checked against STS (--offline)');
    assert.equal(sts.calls.length, before);
  });

  describe('a broken set-up: the failing check says what and how to fix it', () => {
    it('no credentials', async () => {
      const r = await doctor(
        [],
        healthyEnv({ AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined }),
      );
      assert.equal(r.code, 1);
      assert.match(
        r.line('fail', 'credentials') ?? r.stdout,
        /the SDK chain .*: no AWS credentials found .*: set AWS_PROFILE or --profile/,
      );
    });

    it('a clock 10 minutes off, seen in STS Date header', async () => {
      clock = () => Date.now() + 10 * 60_000;
      try {
        const r = await doctor([], healthyEnv());
        assert.equal(r.code, 1);
        assert.match(
          r.line('fail', 'clock') ?? r.stdout,
          /^fail clock {7}(59\d|60\d) s behind STS \(Date from 127\.0\.0\.1:\d+\): AWS refuses requests signed more than 5 minutes off; fix: sync the clock/,
        );
      } finally {
        clock = Date.now;
      }
    });

    it('kubeconfig arguments that do not parse', async () => {
      const r = await doctor([], healthyEnv({ KUBECONFIG: kubeconfigs.badArgs }));
      assert.equal(r.code, 1);
      assert.match(
        r.line('fail', 'kubeconfig') ?? r.stdout,
        /user bad \(.*bad-args\.yaml\): arguments do not parse: token: Unknown option '--bogus'/,
      );
    });

    it('an entry still calling aws eks get-token', async () => {
      const r = await doctor([], healthyEnv({ KUBECONFIG: kubeconfigs.aws }));
      assert.equal(r.code, 0, 'a warning, not a failure');
      assert.match(
        r.line('warn', 'kubeconfig') ?? r.stdout,
        /user legacy \(.*aws\.yaml\): still runs aws eks get-token; fix: eks-token kubeconfig --migrate --kubeconfig \S*aws\.yaml \(--dry-run first shows the change\)$/,
      );
    });

    it('a kubeconfig path that is a directory', async () => {
      for (const [args, env] of [
        [['--kubeconfig', dir], healthyEnv()],
        [[], healthyEnv({ KUBECONFIG: dir })],
      ] as const) {
        const r = await doctor(['--offline', ...args], env);
        assert.equal(r.code, 1);
        assert.equal(
          r.line('fail', 'kubeconfig'),
          `fail kubeconfig  ${dir} is a directory, not a kubeconfig file; fix: name the file in it, e.g. ${join(dir, 'config')}, in KUBECONFIG or --kubeconfig`,
        );
      }
    });

    it('an unsafe socket directory', async () => {
      const unsafe = join(dir, 'run-unsafe/eks-token');
      const r = await doctor([], healthyEnv({ XDG_RUNTIME_DIR: join(dir, 'run-unsafe') }));
      assert.equal(r.code, 1);
      assert.equal(
        r.line('fail', 'daemon'),
        `fail daemon      the socket directory ${unsafe} has mode 777, not 700, so the daemon is not used; fix: chmod 700 ${unsafe}`,
      );
    });

    it('a dotted cluster id without a TXT record (NXDOMAIN)', async () => {
      const r = await doctor(
        ['-i', 'missing.doctor.test', '--dns-server', `127.0.0.1:${dns.port}`],
        healthyEnv(),
      );
      assert.equal(r.code, 1);
      assert.match(
        r.line('fail', 'dns') ?? r.stdout,
        /DNS name missing\.doctor\.test does not exist \(NXDOMAIN from 127\.0\.0\.1:\d+\)/,
      );
    });

    it('eks-token off PATH and an unreadable CA file', async () => {
      const r = await doctor(
        ['--offline'],
        healthyEnv({ PATH: '/usr/bin:/bin', NODE_EXTRA_CA_CERTS: join(dir, 'no-such-ca.pem') }),
      );
      assert.equal(r.code, 1);
      assert.match(r.line('warn', 'path') ?? r.stdout, /eks-token is not on PATH.*; fix: add .* to PATH/);
      assert.match(r.line('fail', 'ca') ?? r.stdout, /no-such-ca\.pem cannot be read \(ENOENT\)/);
    });
  });
});
