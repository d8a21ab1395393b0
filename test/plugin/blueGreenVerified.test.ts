import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sendControl } from '../../src/protocol/sendControl.js';
import { stopDetached } from '../helpers/daemonHarness.js';
import { type DescribeClusterServer, startDescribeClusterServer } from '../helpers/describeClusterServer.js';
import { type Dnsmasq, hasDnsmasq, startDnsmasq } from '../helpers/dnsmasq.js';
import { type EksApiTestServer, startEksApiTestServer } from '../helpers/eksApiTestServer.js';
import { hasKubectl, kubectl, whoamiUser } from '../helpers/kubectl.js';
import { CLI, isolatedEnv, runCli } from '../helpers/runCli.js';
import { type StsTestServer, startStsTestServer } from '../helpers/stsTestServer.js';
import { type SwitchProxy, startSwitchProxy } from '../helpers/switchProxy.js';
import { generateTestTls, type TestTls } from '../helpers/testTls.js';

const RECORD = 'eks.devinfra.test';
const REGION = 'eu-west-1';
const skip = !hasKubectl ? 'kubectl not installed' : !hasDnsmasq() ? 'dnsmasq not installed' : false;
// What an EKS API certificate names: the in-cluster names and its own endpoint, never the shared address.
const sans = (id: string) => [
  'DNS:kubernetes',
  'DNS:kubernetes.default',
  'DNS:kubernetes.default.svc',
  'DNS:kubernetes.default.svc.cluster.local',
  `DNS:${id}.gr7.${REGION}.eks.amazonaws.com`,
  'IP:172.20.0.1',
];

describe('blue/green with TLS verified: a kubeconfig written by eks-token kubeconfig --clusters', {
  skip,
}, () => {
  let sts: StsTestServer;
  let control: DescribeClusterServer;
  let api: SwitchProxy;
  let dns: Dnsmasq;
  let dir: string;
  let env: Record<string, string | undefined>;
  let kc: string;
  let userArn: string;
  const servers: Record<string, EksApiTestServer> = {};
  const started: EksApiTestServer[] = [];
  const tlsFiles: TestTls[] = [];

  // An API server with its own CA, mapping the test user; `described` makes DescribeCluster know it.
  const startCluster = async (name: string, described: boolean) => {
    const tls = await generateTestTls(sans(name.toUpperCase().replace(/[^A-Z]/g, '')));
    tlsFiles.push(tls);
    const server = await startEksApiTestServer({ clusterName: name, stsUrl: sts.url, tls });
    started.push(server);
    server.mapUsers.push({ userarn: userArn, username: `platform@${name}`, groups: ['ops'] });
    if (!described) return server;
    servers[name] = server;
    if (described)
      control.clusters.set(name, {
        endpoint: `https://${name}.gr7.${REGION}.eks.amazonaws.com`,
        caData: server.caData,
      });
    return server;
  };
  const switchTo = async (name: string, server = servers[name]) => {
    await dns.restart({ txt: { [RECORD]: name }, ttlSeconds: 1 });
    api.switchTo((server as EksApiTestServer).port);
  };
  const whoami = (extra: Record<string, string | undefined> = {}) =>
    kubectl(['auth', 'whoami', '-o', 'json'], { ...env, KUBECONFIG: kc, ...extra });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eks-token-bluegreen-tls-'));
    sts = await startStsTestServer();
    const user = sts.addUser('111122223333', 'platform');
    userArn = user.arn;
    control = await startDescribeClusterServer([user]);
    for (const name of ['eks-blue', 'eks-green']) await startCluster(name, true);
    api = await startSwitchProxy((servers['eks-blue'] as EksApiTestServer).port);
    dns = await startDnsmasq({ txt: { [RECORD]: 'eks-blue' }, ttlSeconds: 1 });
    kc = join(dir, 'kubeconfig');
    env = isolatedEnv({
      HOME: dir,
      // kubectl finds `command: eks-token` on PATH, as after install.sh.
      PATH: `${dirname(CLI)}:${process.env.PATH}`,
      AWS_ENDPOINT_URL_STS: sts.url,
      AWS_ENDPOINT_URL_EKS: control.url,
      AWS_ACCESS_KEY_ID: user.accessKeyId,
      AWS_SECRET_ACCESS_KEY: user.secretAccessKey,
      EKS_TOKEN_DNS_SERVER: dns.address,
    });
  });
  after(async () => {
    await dns?.stop();
    await api?.close();
    for (const s of started) await s.close();
    await control?.close();
    await sts?.close();
    for (const tls of tlsFiles) await tls.cleanup();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes one verified entry, follows a switch, refuses an unknown CA before sending a token, and --refresh adds a new live cluster', async () => {
    const write = await runCli(
      [
        'kubeconfig',
        '--kubeconfig',
        kc,
        '--name',
        'devinfra',
        '-i',
        RECORD,
        '--server',
        api.url,
        '--clusters',
        'eks-blue,eks-green',
        '--region',
        REGION,
      ],
      env,
    );
    assert.equal(write.code, 0, write.stderr);
    assert.equal(write.stderr, '');
    const view = await kubectl(['config', 'view', '--raw', '-o', 'json'], { ...env, KUBECONFIG: kc });
    const config = JSON.parse(view.stdout);
    const cluster = config.clusters[0].cluster;
    assert.equal(cluster['insecure-skip-tls-verify'], undefined);
    assert.equal(cluster['tls-server-name'], 'kubernetes');
    assert.equal(cluster.server, api.url);
    const bundle = Buffer.from(cluster['certificate-authority-data'], 'base64').toString();
    assert.equal(bundle, `${servers['eks-blue']?.caPem}${servers['eks-green']?.caPem}`);
    assert.equal(cluster.extensions[0].name, 'client.authentication.k8s.io/exec');
    assert.deepEqual(cluster.extensions[0].extension.clusters, ['eks-blue', 'eks-green']);
    assert.equal(config.users[0].user.exec.provideClusterInfo, true);

    const blue = await whoami();
    assert.equal(blue.code, 0, blue.stderr);
    assert.equal(whoamiUser(blue.stdout).username, 'platform@eks-blue');
    assert.equal(blue.stderr, '');

    // Immediately after the switch, with verification on.
    await switchTo('eks-green');
    const green = await whoami();
    assert.equal(green.code, 0, green.stderr);
    assert.equal(whoamiUser(green.stdout).username, 'platform@eks-green');

    // Whoever answers the shared address with a certificate from another CA gets no request, so no token,
    // even with the very names (kubernetes, an EKS endpoint) and a user mapping that would accept it.
    const rogue = await startCluster('eks-green', false);
    api.switchTo(rogue.port);
    const refused = await whoami();
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /x509: certificate signed by unknown authority/);
    assert.deepEqual(rogue.requests, []);

    // A newly live cluster: the plugin names it and the command that repairs the kubeconfig.
    const purple = await startCluster('eks-purple', true);
    await switchTo('eks-purple');
    const gap = await whoami();
    assert.notEqual(gap.code, 0);
    assert.deepEqual(purple.requests, []);
    const line = gap.stderr.split('\n').find((l) => l.startsWith('eks-token: '));
    assert.ok(line, gap.stderr);
    assert.match(
      line,
      /TXT record eks\.devinfra\.test names cluster eks-purple.*candidates: eks-blue, eks-green/,
    );
    const command = /run (eks-token kubeconfig --refresh .*)$/.exec(line)?.[1];
    assert.equal(command, `eks-token kubeconfig --refresh --kubeconfig ${kc} --name devinfra`);

    const refresh = await runCli((command as string).split(' ').slice(1), env);
    assert.equal(refresh.code, 0, refresh.stderr);
    assert.match(refresh.stdout, /Refreshed cluster devinfra .* \(added eks-purple\)/);
    const fixed = await whoami();
    assert.equal(fixed.code, 0, fixed.stderr);
    assert.equal(whoamiUser(fixed.stdout).username, 'platform@eks-purple');
    assert.equal(fixed.stderr, '');

    // Twice changes nothing, byte for byte.
    const once = await readFile(kc);
    const again = await runCli((command as string).split(' ').slice(1), env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^Kept cluster devinfra/);
    assert.deepEqual(await readFile(kc), once);
  });

  it('with the daemon: its exec answer carries the line too, from its cache as well', async () => {
    const socket = join(dir, 'sock', 'daemon.sock');
    const daemonEnv = { ...env, EKS_TOKEN_SOCKET: socket, EKS_TOKEN_DAEMON: 'on' };
    const start = await runCli(['daemon', 'start', '--idle-timeout', '2m'], daemonEnv);
    assert.equal(start.code, 0, start.stderr);
    try {
      const orange = await startCluster('eks-orange', true);
      await switchTo('eks-orange');
      const status = async () => {
        const r = await sendControl(socket, 'status');
        assert.ok(r.ok);
        return r.reply.status as { counters: { hits: number }; entries: Array<{ cluster: string }> };
      };
      for (let i = 0; i < 2; i++) {
        const hitsBefore = (await status()).counters.hits;
        const gap = await whoami({ EKS_TOKEN_SOCKET: socket, EKS_TOKEN_DAEMON: 'on' });
        assert.notEqual(gap.code, 0);
        assert.match(
          gap.stderr,
          new RegExp(
            `^eks-token: the TXT record ${RECORD.replace(/\./g, '\\.')} names cluster eks-orange, .*run eks-token kubeconfig --refresh --kubeconfig ${kc} --name devinfra$`,
            'm',
          ),
        );
        const after = await status();
        // The token came from the daemon (minted there first, then from its cache).
        assert.ok(after.entries.some((e) => e.cluster === 'eks-orange'));
        if (i === 1) assert.ok(after.counters.hits > hitsBefore, 'the second answer was a cache hit');
      }
      assert.deepEqual(orange.requests, []);
    } finally {
      await stopDetached(socket);
    }
  });
});
