import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type DescribeClusterServer, startDescribeClusterServer } from '../helpers/describeClusterServer.js';
import { type EksApiTestServer, startEksApiTestServer } from '../helpers/eksApiTestServer.js';
import { hasKubectl, kubectl, whoamiUser } from '../helpers/kubectl.js';
import { CLI, isolatedEnv, runCli } from '../helpers/runCli.js';
import { type StsTestServer, startStsTestServer } from '../helpers/stsTestServer.js';

const CA = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64');
// kubectl finds `command: eks-token` on PATH, as it would after install.sh.
const PATH = `${dirname(CLI)}:${process.env.PATH}`;

describe('eks-token kubeconfig', { skip: hasKubectl ? false : 'kubectl not installed' }, () => {
  let dir: string;
  let sts: StsTestServer;
  let api: EksApiTestServer;
  let control: DescribeClusterServer;
  const user = { accessKeyId: '', secretAccessKey: '' };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eks-token-kubeconfig-'));
    sts = await startStsTestServer();
    api = await startEksApiTestServer({ clusterName: 'prod-blue', stsUrl: sts.url });
    const alice = sts.addUser('111122223333', 'alice');
    Object.assign(user, { accessKeyId: alice.accessKeyId, secretAccessKey: alice.secretAccessKey });
    api.mapUsers.push({ userarn: alice.arn, username: 'alice', groups: ['devs'] });
    control = await startDescribeClusterServer([user]);
    control.clusters.set('prod-blue', { endpoint: api.url, caData: api.caData });
  });
  after(async () => {
    await control?.close();
    await api?.close();
    await sts?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const env = (extra: Record<string, string> = {}) => isolatedEnv({ HOME: dir, PATH, ...extra });
  const view = async (file: string) => {
    const r = await kubectl(['config', 'view', '--kubeconfig', file, '-o', 'json', '--raw'], env());
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout);
  };

  it('creates ~/.kube/config with mode 0600 that kubectl reads', async () => {
    const args = [
      'kubeconfig',
      '-i',
      'prod',
      '--server',
      'https://prod.example.com',
      '--certificate-authority-data',
      CA,
    ];
    const r = await runCli(
      [...args, '--region', 'eu-west-1', '--profile', 'dev', '--role', 'arn:aws:iam::1:role/r'],
      env(),
    );
    assert.equal(r.code, 0, r.stderr);
    const file = join(dir, '.kube', 'config');
    assert.equal(
      r.stdout,
      `Added context prod in ${file} (cluster prod added, user prod added, context added); current-context is prod\n` +
        `exec command: eks-token (this copy, on PATH as ${CLI})\n`,
    );
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const config = await view(file);
    assert.equal(config['current-context'], 'prod');
    assert.deepEqual(config.clusters, [
      { name: 'prod', cluster: { server: 'https://prod.example.com', 'certificate-authority-data': CA } },
    ]);
    assert.deepEqual(config.users[0].user.exec, {
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      command: 'eks-token',
      args: ['token', '-i', 'prod', '--region', 'eu-west-1', '--role', 'arn:aws:iam::1:role/r'],
      env: [{ name: 'AWS_PROFILE', value: 'dev' }],
      provideClusterInfo: false,
      interactiveMode: 'IfAvailable',
    });
    const contexts = await kubectl(['config', 'get-contexts', '--kubeconfig', file, '--no-headers'], env());
    assert.match(contexts.stdout, /^\*\s+prod\s+prod\s+prod\s*$/m);
  });

  it('edits the first KUBECONFIG file, keeping other entries and comments; a rerun keeps everything', async () => {
    const first = join(dir, 'first.yaml');
    const original = `# team kubeconfig\napiVersion: v1\nclusters:\n- cluster:\n    server: https://kind.local:6443\n    insecure-skip-tls-verify: true\n  name: kind\ncontexts:\n- context:\n    cluster: kind\n    user: kind\n    namespace: "on"\n  name: kind\ncurrent-context: kind\nkind: Config\nusers:\n- name: kind\n  user:\n    token: abc # static\n`;
    await writeFile(first, original, { mode: 0o644 });
    const args = [
      'kubeconfig',
      '--cluster-id',
      'prod.eks.example.com',
      '--alias',
      'bg',
      '--server',
      'https://bg.example.com',
      '--insecure-skip-tls-verify',
    ];
    const r = await runCli(
      args,
      env({ KUBECONFIG: `${first}:${join(dir, 'second.yaml')}`, AWS_REGION: 'cn-north-1' }),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^Added context bg in .*first\.yaml .*; current-context is bg \(was kind\)\nexec command: eks-token \(this copy/,
    );
    const text = await readFile(first, 'utf8');
    for (const line of original.split('\n').filter((l) => !l.startsWith('current-context')))
      assert.ok(text.includes(line), line);
    const config = await view(first);
    // kubectl sorts by name when it prints; the file keeps the existing entry first.
    assert.ok(text.indexOf('  name: kind\n') < text.indexOf('  name: bg\n'), text);
    assert.deepEqual(config.contexts.map((c: { name: string }) => c.name).sort(), ['bg', 'kind']);
    type Entry = {
      name: string;
      context: { namespace?: string };
      user: { token?: string; exec: { args: string[] } };
    };
    const byName = (list: Entry[], name: string) => list.find((e) => e.name === name) as Entry;
    assert.equal(byName(config.contexts, 'kind').context.namespace, 'on');
    assert.equal(byName(config.users, 'kind').user.token, 'abc');
    assert.deepEqual(byName(config.users, 'bg').user.exec.args, [
      'token',
      '-i',
      'prod.eks.example.com',
      '--region',
      'cn-north-1',
    ]);
    assert.equal(config['current-context'], 'bg');
    const again = await runCli(args, env({ KUBECONFIG: first, AWS_REGION: 'cn-north-1' }));
    assert.match(
      again.stdout,
      /^Kept context bg .*cluster bg unchanged, user bg unchanged, context unchanged/,
    );
    assert.equal(await readFile(first, 'utf8'), text);
  });

  it('--describe fills server and CA from DescribeCluster, and kubectl then authenticates with eks-token', async () => {
    const file = join(dir, 'described.yaml');
    const aws = { AWS_ACCESS_KEY_ID: user.accessKeyId, AWS_SECRET_ACCESS_KEY: user.secretAccessKey };
    const args = ['kubeconfig', '--kubeconfig', file, '--describe', 'prod-blue', '--region', 'eu-west-1'];
    const r = await runCli(args, env({ ...aws, AWS_ENDPOINT_URL_EKS: control.url }));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(control.seen.at(-1)?.path, '/clusters/prod-blue');
    const config = await view(file);
    assert.deepEqual(config.clusters[0].cluster, {
      server: api.url,
      'certificate-authority-data': api.caData,
    });
    const who = await kubectl(
      ['auth', 'whoami', '-o', 'json'],
      env({ ...aws, KUBECONFIG: file, AWS_ENDPOINT_URL_STS: sts.url }),
    );
    assert.equal(who.code, 0, who.stderr);
    assert.equal(whoamiUser(who.stdout).username, 'alice');
  });

  it('--exec-api-version v1, --daemon on and --dns-server go into the user, and kubectl runs it', async () => {
    const file = join(dir, 'v1-daemon.yaml');
    const aws = { AWS_ACCESS_KEY_ID: user.accessKeyId, AWS_SECRET_ACCESS_KEY: user.secretAccessKey };
    const args = ['kubeconfig', '--kubeconfig', file, '--describe', 'prod-blue', '--region', 'eu-west-1'];
    const extra = ['--exec-api-version', 'v1', '--daemon', 'on', '--dns-server', '127.0.0.1:53'];
    const r = await runCli([...args, ...extra], env({ ...aws, AWS_ENDPOINT_URL_EKS: control.url }));
    assert.equal(r.code, 0, r.stderr);
    const exec = (await view(file)).users[0].user.exec;
    assert.equal(exec.apiVersion, 'client.authentication.k8s.io/v1');
    assert.equal(exec.interactiveMode, 'IfAvailable');
    assert.deepEqual(exec.args, [
      'token',
      '-i',
      'prod-blue',
      '--region',
      'eu-west-1',
      '--dns-server',
      '127.0.0.1:53',
      '--daemon',
      'on',
    ]);
    // No daemon runs: `on` falls back to minting in-process.
    const socketDir = join(dir, 'v1-sock');
    const who = await kubectl(
      ['auth', 'whoami', '-o', 'json'],
      env({
        ...aws,
        KUBECONFIG: file,
        AWS_ENDPOINT_URL_STS: sts.url,
        EKS_TOKEN_SOCKET: join(socketDir, 'daemon.sock'),
      }),
    );
    assert.equal(who.code, 0, who.stderr);
    assert.equal(whoamiUser(who.stdout).username, 'alice');
    const bad = await runCli([...args, '--exec-api-version', 'v2'], env(aws));
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^eks-token: kubeconfig: --exec-api-version v2/);
  });

  it('--describe of an unknown cluster, and bad flags, fail with one line and leave the file alone', async () => {
    const file = join(dir, 'untouched.yaml');
    await writeFile(file, 'apiVersion: v1\n');
    const aws = {
      AWS_ACCESS_KEY_ID: user.accessKeyId,
      AWS_SECRET_ACCESS_KEY: user.secretAccessKey,
      AWS_ENDPOINT_URL_EKS: control.url,
    };
    const cases: Array<[string[], Record<string, string>, RegExp]> = [
      [['--describe', 'nope', '--region', 'eu-west-1'], aws, /404 ResourceNotFoundException.*list-clusters/],
      [
        ['--server', 'https://x.example.com', '--region', 'eu-west-1'],
        {},
        /no cluster named: pass --cluster-id/,
      ],
      [
        [
          '-i',
          'a',
          '--server',
          'https://x',
          '--insecure-skip-tls-verify',
          '--certificate-authority-data',
          CA,
          '--region',
          'eu-west-1',
        ],
        {},
        /exclude each other/,
      ],
      [['-i', 'a', '--server', 'http://x.example.com', '--region', 'eu-west-1'], {}, /not an https URL/],
      [
        [
          '-i',
          'a',
          '--server',
          'https://x',
          '--certificate-authority-data',
          'bm9wZQ==',
          '--region',
          'eu-west-1',
        ],
        {},
        /not a base64-encoded PEM/,
      ],
      [['-i', 'a', '--server', 'https://x'], {}, /no region set.*pass --region/],
      [['-i', 'a', '--server', 'https://x', '--region', 'moon-1'], {}, /region "moon-1"/],
      [
        ['-i', 'bad name!', '--server', 'https://x', '--region', 'eu-west-1'],
        {},
        /neither an EKS cluster name/,
      ],
      [['-i', 'a', '--region', 'eu-west-1'], {}, /has no cluster "a" to reuse: pass --server/],
      [
        ['-i', 'a', '--describe', 'b', '--server', 'https://x', '--region', 'eu-west-1'],
        {},
        /--describe excludes --server/,
      ],
      [['-i', 'a', '--frobnicate'], {}, /kubeconfig: Unknown option '--frobnicate'/],
    ];
    for (const [args, extra, message] of cases) {
      const r = await runCli(['kubeconfig', '--kubeconfig', file, ...args], env(extra));
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stdout}`);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /^eks-token: /);
      assert.match(r.stderr, message);
      assert.equal(await readFile(file, 'utf8'), 'apiVersion: v1\n');
    }
    await writeFile(file, 'clusters: [\n');
    const broken = await runCli(
      ['kubeconfig', '--kubeconfig', file, '-i', 'a', '--server', 'https://x', '--region', 'eu-west-1'],
      env(),
    );
    assert.match(broken.stderr, /^eks-token: .*untouched\.yaml: kubeconfig is not valid YAML/);
    assert.equal(await readFile(file, 'utf8'), 'clusters: [\n');
  });

  it('a kubeconfig path that is a directory is named as one, by the writer, --migrate and --refresh', async () => {
    const folder = join(dir, 'a-folder');
    await mkdir(folder, { recursive: true });
    for (const args of [
      ['kubeconfig', '--migrate'],
      ['kubeconfig', '-i', 'a', '--server', 'https://x', '--region', 'eu-west-1'],
      ['kubeconfig', '--refresh'],
    ]) {
      const r = await runCli([...args, '--kubeconfig', folder], env());
      assert.equal(r.code, 1, args.join(' '));
      assert.equal(
        r.stderr,
        `eks-token: kubeconfig ${folder} is a directory, not a file: name the file in it, e.g. --kubeconfig ${join(folder, 'config')}\n`,
      );
    }
  });

  it('--dry-run prints the result and writes nothing; --help lists every flag', async () => {
    const file = join(dir, 'dry', 'config');
    await mkdir(dirname(file), { recursive: true });
    const r = await runCli(
      [
        'kubeconfig',
        '--kubeconfig',
        file,
        '-i',
        'x',
        '--server',
        'https://x',
        '--region',
        'eu-west-1',
        '--dry-run',
      ],
      env(),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^current-context: x$/m);
    await assert.rejects(stat(file), { code: 'ENOENT' });
    const help = await runCli(['kubeconfig', '--help'], env());
    for (const flag of [
      '--kubeconfig',
      '--name',
      '--alias',
      '--server',
      '--certificate-authority-data',
      '--insecure-skip-tls-verify',
      '--cluster-id',
      '--role',
      '--region',
      '--profile',
      '--describe',
      '--dry-run',
    ])
      assert.match(help.stdout, new RegExp(`${flag}\\b`));
  });
});
