import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Dnsmasq, hasDnsmasq, startDnsmasq } from '../helpers/dnsmasq.js';
import { reply, startDnsTestServer, txt } from '../helpers/dnsTestServer.js';
import { type EksApiTestServer, startEksApiTestServer } from '../helpers/eksApiTestServer.js';
import { hasKubectl, kubectl, whoamiUser, writeEksKubeconfig } from '../helpers/kubectl.js';
import { isolatedEnv, runCli } from '../helpers/runCli.js';
import { type StsTestServer, startStsTestServer } from '../helpers/stsTestServer.js';
import { type SwitchProxy, startSwitchProxy } from '../helpers/switchProxy.js';
import { generateTestTls, type TestTls } from '../helpers/testTls.js';

const RECORD = 'eks.devinfra.test';
const skip = !hasKubectl ? 'kubectl not installed' : !hasDnsmasq() ? 'dnsmasq not installed' : false;

describe('blue/green: kubectl follows the TXT record without kubeconfig changes', { skip }, () => {
  let sts: StsTestServer;
  let tls: TestTls;
  let blue: EksApiTestServer;
  let green: EksApiTestServer;
  let api: SwitchProxy;
  let dns: Dnsmasq;
  let dir: string;
  let env: Record<string, string | undefined>;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eks-token-bluegreen-'));
    sts = await startStsTestServer();
    tls = await generateTestTls();
    blue = await startEksApiTestServer({ clusterName: 'eks-blue', stsUrl: sts.url, tls });
    green = await startEksApiTestServer({ clusterName: 'eks-green', stsUrl: sts.url, tls });
    api = await startSwitchProxy(blue.port);
    dns = await startDnsmasq({ txt: { [RECORD]: 'eks-blue' }, ttlSeconds: 1 });
    const user = sts.addUser('111122223333', 'platform');
    for (const s of [blue, green])
      s.mapUsers.push({ userarn: user.arn, username: `platform@${s.clusterName}`, groups: ['ops'] });
    env = isolatedEnv({
      HOME: dir,
      AWS_ENDPOINT_URL_STS: sts.url,
      AWS_ACCESS_KEY_ID: user.accessKeyId,
      AWS_SECRET_ACCESS_KEY: user.secretAccessKey,
      EKS_TOKEN_DNS_SERVER: dns.address,
    });
  });
  after(async () => {
    await dns?.stop();
    await api?.close();
    await blue?.close();
    await green?.close();
    await sts?.close();
    await tls?.cleanup();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the next kubectl after a switch reaches green; a running kubectl proxy recovers', async () => {
    const kc = await writeEksKubeconfig(dir, {
      server: api.url,
      caData: Buffer.from(tls.caPem).toString('base64'),
      args: ['token', '-i', RECORD, '--region', 'eu-west-1'],
    });
    const before = await kubectl(['auth', 'whoami', '-o', 'json'], { ...env, KUBECONFIG: kc });
    assert.equal(before.code, 0, before.stderr);
    assert.equal(whoamiUser(before.stdout).username, 'platform@eks-blue');

    // A long-running kubectl that keeps using its cached credential.
    const proxy = spawn('kubectl', ['proxy', '--port=0'], {
      env: { PATH: process.env.PATH, ...env, KUBECONFIG: kc },
    });
    try {
      const proxyUrl = await new Promise<string>((resolve, reject) => {
        proxy.stdout.on('data', (d: Buffer) => {
          const m = /127\.0\.0\.1:(\d+)/.exec(d.toString());
          if (m) resolve(`http://127.0.0.1:${m[1]}`);
        });
        proxy.on('exit', () => reject(new Error('kubectl proxy exited')));
      });
      const viaProxy = async () => {
        const r = await fetch(`${proxyUrl}/apis/authentication.k8s.io/v1/selfsubjectreviews`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }),
        });
        return r.status === 201 || r.status === 200
          ? ((await r.json()) as { status: { userInfo: { username: string } } }).status.userInfo.username
          : `HTTP ${r.status}`;
      };
      assert.equal(await viaProxy(), 'platform@eks-blue');

      await dns.restart({ txt: { [RECORD]: 'eks-green' }, ttlSeconds: 1 });
      api.switchTo(green.port);

      const next = await kubectl(['auth', 'whoami', '-o', 'json'], { ...env, KUBECONFIG: kc });
      assert.equal(next.code, 0, next.stderr);
      assert.equal(whoamiUser(next.stdout).username, 'platform@eks-green');

      // The proxy's credential was minted for eks-blue; it must recover once the record may have changed.
      const deadline = Date.now() + 45_000;
      let seen = '';
      while (Date.now() < deadline) {
        seen = await viaProxy();
        if (seen === 'platform@eks-green') break;
        await new Promise((r) => setTimeout(r, 500));
      }
      assert.equal(seen, 'platform@eks-green');
    } finally {
      proxy.kill('SIGTERM');
    }
  });

  it('expirationTimestamp is capped by the TXT record lifetime (30 s floor)', async () => {
    const at = Date.now();
    const r = await runCli(['token', '-i', RECORD, '--region', 'eu-west-1'], env);
    assert.equal(r.code, 0, r.stderr);
    const expires = Date.parse(JSON.parse(r.stdout).status.expirationTimestamp);
    assert.ok(expires <= at + 32_000 && expires >= at + 28_000, `expires in ${(expires - at) / 1000} s`);
  });

  it('a plain cluster name makes no DNS query at all; a dotted one makes one', async () => {
    const counter = await startDnsTestServer((q) => [
      { packet: reply(q, { answers: [txt(RECORD, 'eks-green', 60)] }) },
    ]);
    try {
      const kc = await writeEksKubeconfig(dir, {
        server: green.url,
        caData: green.caData,
        args: ['token', '-i', 'eks-green', '--region', 'eu-west-1'],
      });
      const r = await kubectl(['auth', 'whoami', '-o', 'json'], {
        ...env,
        KUBECONFIG: kc,
        EKS_TOKEN_DNS_SERVER: counter.address,
      });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(counter.queries.length, 0);
      const dotted = await runCli(
        ['token', '-i', RECORD, '--region', 'eu-west-1', '--dns-server', counter.address],
        env,
      );
      assert.equal(dotted.code, 0, dotted.stderr);
      assert.equal(counter.queries.length, 1);
    } finally {
      await counter.close();
    }
  });

  it('a missing record is an error naming it, unless --txt-fallback=literal', async () => {
    const r = await runCli(['token', '-i', 'missing.devinfra.test', '--region', 'eu-west-1'], env);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^eks-token: .*missing\.devinfra\.test.*: .+\n$/);
  });
});
