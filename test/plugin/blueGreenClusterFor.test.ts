import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { type DescribeClusterServer, startDescribeClusterServer } from '../helpers/describeClusterServer.js';
import { type DnsTestServer, reply, startDnsTestServer, txt } from '../helpers/dnsTestServer.js';
import { isolatedEnv, runCli } from '../helpers/runCli.js';
import { generateTestTls, type TestTls } from '../helpers/testTls.js';

const RECORD = 'eks.devinfra.test';
const KEYS = { accessKeyId: 'AKIDBLUEGREEN', secretAccessKey: 'bluegreen/secret/key/EXAMPLE' };
const base64 = (pem: string) => Buffer.from(pem).toString('base64');

interface Written {
  clusters: Array<{ name: string; cluster: Record<string, unknown> }>;
  users: Array<{ name: string; user: { exec: Record<string, unknown> } }>;
}

describe('eks-token kubeconfig: the verified blue/green entry', () => {
  let dir: string;
  let control: DescribeClusterServer;
  let dns: DnsTestServer;
  let live = 'eks-green';
  const tls: TestTls[] = [];
  const pem = (i: number) => (tls[i] as TestTls).caPem;
  let env: Record<string, string | undefined>;
  let file = '';
  const run = (args: string[]) => runCli(['kubeconfig', '--kubeconfig', file, ...args], env);
  const read = async () => parse(await readFile(file, 'utf8')) as Written;
  const bundle = (w: Written) =>
    Buffer.from(String(w.clusters[0]?.cluster['certificate-authority-data']), 'base64').toString();
  const extension = (w: Written) =>
    (
      w.clusters[0]?.cluster.extensions as
        | Array<{ name: string; extension: { clusters: string[] } }>
        | undefined
    )?.[0];
  const WRITE = ['-i', RECORD, '--server', 'https://api.devinfra.test', '--region', 'eu-west-1'];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eks-token-bg-kubeconfig-'));
    for (let i = 0; i < 3; i++) tls.push(await generateTestTls(['DNS:kubernetes']));
    control = await startDescribeClusterServer([KEYS]);
    control.clusters.set('eks-blue', {
      endpoint: 'https://BLUE.gr7.eu-west-1.eks.amazonaws.com',
      caData: base64(pem(0)),
    });
    control.clusters.set('eks-green', {
      endpoint: 'https://GREEN.gr7.eu-west-1.eks.amazonaws.com',
      caData: base64(pem(1)),
    });
    control.clusters.set('eks-private', { denied: true });
    dns = await startDnsTestServer((q) => [{ packet: reply(q, { answers: [txt(RECORD, live, 60)] }) }]);
    env = isolatedEnv({
      HOME: dir,
      AWS_ACCESS_KEY_ID: KEYS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: KEYS.secretAccessKey,
      AWS_ENDPOINT_URL_EKS: control.url,
      EKS_TOKEN_DNS_SERVER: dns.address,
    });
  });
  after(async () => {
    await dns?.close();
    await control?.close();
    for (const t of tls) await t.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('without --clusters the candidate is the cluster the TXT record names now; the user gets provideClusterInfo', async () => {
    file = join(dir, 'txt-now');
    const r = await run([...WRITE, '--name', 'devinfra']);
    assert.equal(r.code, 0, r.stderr);
    const w = await read();
    assert.equal(bundle(w), pem(1));
    assert.equal(w.clusters[0]?.cluster['tls-server-name'], 'kubernetes');
    assert.deepEqual(extension(w)?.extension.clusters, ['eks-green']);
    assert.equal(w.users[0]?.user.exec.provideClusterInfo, true);
  });

  it('--certificate-authority serves a cluster DescribeCluster cannot reach, with a note naming both', async () => {
    file = join(dir, 'with-file');
    const caFile = join(dir, 'private-ca.pem');
    await writeFile(caFile, pem(2));
    const r = await run([...WRITE, '--clusters', 'eks-blue,eks-private', '--certificate-authority', caFile]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /^eks-token: note: trusting --certificate-authority \S+private-ca\.pem for cluster eks-private \(.*AccessDenied.*\)\n$/,
    );
    const w = await read();
    assert.equal(bundle(w), `${pem(0)}${pem(2)}`);
    assert.deepEqual(extension(w)?.extension.clusters, ['eks-blue', 'eks-private']);
  });

  it('--insecure-skip-tls-verify still works, with a one-line warning naming the risk', async () => {
    file = join(dir, 'insecure');
    const r = await run([...WRITE, '--insecure-skip-tls-verify']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /^eks-token: warning: --insecure-skip-tls-verify: kubectl will send a bearer token .*https:\/\/api\.devinfra\.test.*--clusters instead\n$/,
    );
    const w = await read();
    assert.equal(w.clusters[0]?.cluster['insecure-skip-tls-verify'], true);
    assert.equal(w.clusters[0]?.cluster.extensions, undefined);
  });

  it('--refresh adds the new live cluster and drops one EKS no longer knows, with its CA; a plain rewrite drops the blue/green parts', async () => {
    file = join(dir, 'refresh');
    assert.equal((await run([...WRITE, '--clusters', 'eks-blue,eks-green', '--name', 'devinfra'])).code, 0);
    control.clusters.delete('eks-blue');
    control.clusters.set('eks-purple', {
      endpoint: 'https://P.gr7.eu-west-1.eks.amazonaws.com',
      caData: base64(pem(2)),
    });
    live = 'eks-purple';
    try {
      const r = await runCli(['kubeconfig', '--refresh', '--kubeconfig', file], env);
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        r.stdout,
        /^Refreshed cluster devinfra in .*: eks\.devinfra\.test names eks-purple; candidates eks-green, eks-purple \(added eks-purple; dropped eks-blue\)\n$/,
      );
      const w = await read();
      assert.equal(bundle(w), `${pem(1)}${pem(2)}`);
      assert.deepEqual(extension(w)?.extension.clusters, ['eks-green', 'eks-purple']);
    } finally {
      live = 'eks-green';
      control.clusters.set('eks-blue', {
        endpoint: 'https://BLUE.gr7.eu-west-1.eks.amazonaws.com',
        caData: base64(pem(0)),
      });
    }
    const plain = await run([
      '-i',
      RECORD,
      '--name',
      'devinfra',
      '--server',
      'https://x.example',
      '--certificate-authority-data',
      base64(pem(0)),
      '--region',
      'eu-west-1',
    ]);
    assert.equal(plain.code, 0, plain.stderr);
    const w = await read();
    assert.deepEqual(Object.keys(w.clusters[0]?.cluster ?? {}).sort(), [
      'certificate-authority-data',
      'server',
    ]);
  });

  it('--refresh never drops the cluster the record names; a new one EKS does not find is an error naming it', async () => {
    file = join(dir, 'refresh-live');
    assert.equal((await run([...WRITE, '--clusters', 'eks-blue,eks-green'])).code, 0);
    const green = control.clusters.get('eks-green');
    control.clusters.delete('eks-green');
    try {
      const kept = await runCli(['kubeconfig', '--refresh', '--kubeconfig', file], env);
      assert.equal(kept.code, 0, kept.stderr);
      assert.match(kept.stdout, /^Kept cluster .*candidates eks-blue, eks-green\n$/);
      const before = await readFile(file, 'utf8');
      live = 'eks-ghost';
      const ghost = await runCli(['kubeconfig', '--refresh', '--kubeconfig', file], env);
      assert.equal(ghost.code, 1);
      assert.match(
        ghost.stderr,
        /^eks-token: EKS DescribeCluster eks-ghost in eu-west-1 failed: 404 [^\n]*\n$/,
      );
      assert.equal(await readFile(file, 'utf8'), before);
    } finally {
      live = 'eks-green';
      if (green) control.clusters.set('eks-green', green);
    }
  });

  it('mistakes are one line naming the flag, file or cluster, exit 1, and leave the file alone', async () => {
    file = join(dir, 'untouched');
    await writeFile(file, 'apiVersion: v1\nkind: Config\n');
    const badPem = join(dir, 'not-pem');
    await writeFile(badPem, 'hello\n');
    const cases: Array<[string[], RegExp]> = [
      [
        ['-i', 'eks-blue', '--server', 'https://a', '--clusters', 'a,b', '--region', 'eu-west-1'],
        /--clusters needs a DNS cluster id/,
      ],
      [[...WRITE, '--clusters', 'eks-blue,bad name'], /--clusters: "bad name" is not an EKS cluster name/],
      [
        [...WRITE, '--clusters', 'eks-blue', '--insecure-skip-tls-verify'],
        /--clusters needs --server and excludes/,
      ],
      [[...WRITE, '--clusters', 'eks-blue,nope'], /DescribeCluster nope in eu-west-1 failed: 404/],
      [[...WRITE, '--clusters', 'eks-private'], /DescribeCluster eks-private .*403.*eks:DescribeCluster/],
      [
        [...WRITE, '--certificate-authority', join(dir, 'missing.pem')],
        /cannot read --certificate-authority \S+missing\.pem \(ENOENT\)/,
      ],
      [
        [...WRITE, '--certificate-authority', badPem],
        /--certificate-authority \S+not-pem holds no PEM certificate/,
      ],
      [['--refresh'], /has no blue\/green cluster entry written by eks-token/],
      [['--refresh', '-i', RECORD], /kubeconfig --refresh: Unknown option '-i'/],
    ];
    for (const [args, message] of cases) {
      const r = await run(args);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stdout}`);
      assert.match(r.stderr, /^eks-token: [^\n]+\n$/, args.join(' '));
      assert.match(r.stderr, message, args.join(' '));
      assert.equal(await readFile(file, 'utf8'), 'apiVersion: v1\nkind: Config\n');
    }
  });
});
