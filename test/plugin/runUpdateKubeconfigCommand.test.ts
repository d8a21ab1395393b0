import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { type DescribeClusterServer, startDescribeClusterServer } from '../helpers/describeClusterServer.js';
import { type EksApiTestServer, startEksApiTestServer } from '../helpers/eksApiTestServer.js';
import { hasCommand } from '../helpers/hasCommand.js';
import { hasKubectl, kubectl, whoamiUser } from '../helpers/kubectl.js';
import { CLI, isolatedEnv, runCli } from '../helpers/runCli.js';
import { type StsTestServer, startStsTestServer } from '../helpers/stsTestServer.js';

const run = promisify(execFile);
const PATH = `${dirname(CLI)}:${process.env.PATH}`;
const ARN = 'arn:aws:eks:eu-west-1:123456789012:cluster/prod-blue';
const ROLE = 'arn:aws:iam::123456789012:role/deployer';
const DESCRIBER = 'arn:aws:iam::123456789012:role/describer';
const skip = !hasKubectl ? 'kubectl not installed' : !hasCommand('aws') ? 'aws CLI not installed' : false;

type Entry = { name: string; [key: string]: unknown };
type Config = { clusters: Entry[]; contexts: Entry[]; users: Entry[]; 'current-context': string };

// The text of a kubeconfig without one user's exec block: what must stay byte for byte.
function withoutExec(text: string, user: string): string {
  const lines = text.split('\n');
  const at = lines.indexOf(`- name: ${user}`);
  assert.ok(at >= 0, `no user ${user} in\n${text}`);
  const exec = lines.indexOf('    exec:', at);
  let end = exec + 1;
  while (end < lines.length && /^ {5}/.test(lines[end] ?? '')) end++;
  return [...lines.slice(0, exec), ...lines.slice(end)].join('\n');
}

describe('eks-token update-kubeconfig against the real aws eks update-kubeconfig', { skip }, () => {
  let dir: string;
  let sts: StsTestServer;
  let api: EksApiTestServer;
  let control: DescribeClusterServer;
  const keys = { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eks-token-update-kubeconfig-'));
    sts = await startStsTestServer();
    api = await startEksApiTestServer({ clusterName: 'prod-blue', stsUrl: sts.url });
    const alice = sts.addUser('123456789012', 'alice');
    keys.AWS_ACCESS_KEY_ID = alice.accessKeyId;
    keys.AWS_SECRET_ACCESS_KEY = alice.secretAccessKey;
    api.mapUsers.push({ userarn: alice.arn, username: 'alice', groups: ['devs'] });
    sts.addRole({ roleArn: DESCRIBER, trustedPrincipals: [alice.arn] });
    sts.addRole({ roleArn: ROLE, trustedPrincipals: [alice.arn] });
    // Keys STS issued for a role are good for DescribeCluster too.
    control = await startDescribeClusterServer((accessKeyId) => sts.identity(accessKeyId));
    control.clusters.set('prod-blue', { endpoint: api.url, caData: api.caData });
    // A profile `dev` with alice's keys, for --profile runs of both tools.
    await writeFile(
      join(dir, 'credentials'),
      `[dev]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`,
    );
  });
  after(async () => {
    await control?.close();
    await api?.close();
    await sts?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const env = (extra: Record<string, string> = {}) =>
    isolatedEnv({
      HOME: dir,
      PATH,
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
      AWS_ENDPOINT_URL_EKS: control.url,
      ...extra,
    });
  const aws = (args: string[], extra: Record<string, string> = {}) =>
    run('aws', ['eks', 'update-kubeconfig', ...args], { env: env(extra), timeout: 60_000 });
  const view = async (file: string): Promise<Config> => {
    const r = await kubectl(['config', 'view', '--kubeconfig', file, '-o', 'json', '--raw'], env());
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout);
  };

  it('a cluster being deleted gets no entry, from either tool: E_CLUSTER_NOT_READY', async () => {
    control.clusters.set('prod-old', { endpoint: api.url, caData: api.caData, status: 'DELETING' });
    const file = join(dir, 'deleting.yaml');
    await assert.rejects(aws(['--name', 'prod-old', '--region', 'eu-west-1', '--kubeconfig', file], keys), {
      stderr: /DELETING/,
    });
    const r = await runCli(
      ['update-kubeconfig', '--name', 'prod-old', '--region', 'eu-west-1', '--kubeconfig', file, '--debug'],
      env(keys),
    );
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, /^eks-token: update-kubeconfig: cluster prod-old is DELETING/);
    assert.match(r.stderr, /^eks-token: debug: error code E_CLUSTER_NOT_READY$/m);
    await assert.rejects(readFile(file, 'utf8'), { code: 'ENOENT' });
  });

  it('converts the entry aws wrote in place: same names, one context, only the exec changed; kubectl works', async () => {
    const file = join(dir, 'plain.yaml');
    await aws(['--name', 'prod-blue', '--region', 'eu-west-1', '--kubeconfig', file], keys);
    const awsText = await readFile(file, 'utf8');
    const r = await runCli(
      ['update-kubeconfig', '--name', 'prod-blue', '--region', 'eu-west-1', '--kubeconfig', file],
      env(keys),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `Updated context ${ARN} in ${file}\n`);
    assert.equal(control.seen.at(-1)?.path, '/clusters/prod-blue');
    const text = await readFile(file, 'utf8');
    assert.equal(withoutExec(text, ARN), withoutExec(awsText, ARN));
    const config = await view(file);
    assert.deepEqual(
      config.contexts.map((c) => c.name),
      [ARN],
    );
    assert.equal(config['current-context'], ARN);
    assert.deepEqual(config.users, [
      {
        name: ARN,
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1beta1',
            command: 'eks-token',
            args: ['token', '-i', 'prod-blue', '--region', 'eu-west-1'],
            env: null,
            // kubectl's defaults, as it prints every exec user.
            provideClusterInfo: false,
            interactiveMode: 'IfAvailable',
          },
        },
      },
    ]);
    // aws is not on kubectl's PATH: the user runs eks-token now.
    const noAws = [dirname(CLI), dirname(process.execPath), '/usr/bin', '/bin'].join(':');
    const who = await kubectl(['auth', 'whoami', '-o', 'json'], {
      ...env(keys),
      PATH: noAws,
      KUBECONFIG: file,
      AWS_ENDPOINT_URL_STS: sts.url,
    });
    assert.equal(who.code, 0, who.stderr);
    assert.equal(whoamiUser(who.stdout).username, 'alice');
  });

  it('--profile, --role-arn, --alias and --user-alias name and fill entries as aws does; --migrate agrees byte for byte', async () => {
    const file = join(dir, 'aliased.yaml');
    const flags = ['--name', 'prod-blue', '--region', 'eu-west-1', '--kubeconfig', file, '--profile', 'dev'];
    const aliases = ['--role-arn', ROLE, '--alias', 'prod', '--user-alias', 'prod-user'];
    await writeFile(file, '# mine\napiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n');
    await aws([...flags, ...aliases]);
    const awsText = await readFile(file, 'utf8');
    const awsExec = (await view(file)).users[0] as unknown as { user: { exec: { args: string[] } } };
    await copyFile(file, join(dir, 'aliased-migrate.yaml'));
    const r = await runCli(['update-kubeconfig', ...flags, ...aliases, '--verbose'], env());
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Updated context prod in .*\nEntries:\n\ncontext:\n {2}cluster: arn:aws:eks:/);
    const text = await readFile(file, 'utf8');
    assert.equal(withoutExec(text, 'prod-user'), withoutExec(awsText, 'prod-user'));
    const config = await view(file);
    assert.deepEqual(config.contexts, [{ name: 'prod', context: { cluster: ARN, user: 'prod-user' } }]);
    assert.deepEqual(
      config.clusters.map((c) => c.name),
      [ARN],
    );
    assert.deepEqual(
      config.users.map((u) => u.name),
      ['prod-user'],
    );
    const exec = (config.users[0] as unknown as { user: { exec: Record<string, unknown> } }).user.exec;
    assert.equal(exec.command, 'eks-token');
    const session = ['--session-name', 'EKSGetTokenAuth'];
    assert.deepEqual(exec.args, [
      'token',
      '-i',
      'prod-blue',
      '--region',
      'eu-west-1',
      '--role',
      ROLE,
      ...session,
    ]);
    assert.deepEqual(exec.env, [{ name: 'AWS_PROFILE', value: 'dev' }]);
    // Both entries assume the role under one session name: the same assumed-role ARN in EKS.
    const sessionNames = () =>
      sts.calls.filter((c) => c.action === 'AssumeRole').map((c) => c.params.RoleSessionName);
    const stsEnv = env({ AWS_PROFILE: 'dev', AWS_ENDPOINT_URL_STS: sts.url });
    sts.resetCalls();
    await run('aws', awsExec.user.exec.args, { env: stsEnv, timeout: 60_000 });
    const t = await runCli(exec.args as string[], stsEnv);
    assert.equal(t.code, 0, t.stderr);
    assert.deepEqual(sessionNames(), ['EKSGetTokenAuth', 'EKSGetTokenAuth']);
    const migrated = join(dir, 'aliased-migrate.yaml');
    const m = await runCli(['kubeconfig', '--migrate', '--kubeconfig', migrated], env());
    assert.equal(m.code, 0, m.stderr);
    assert.equal(await readFile(migrated, 'utf8'), text);
  });

  it('--assume-role-arn reads the cluster as that role, in the session aws names, and stays out of the user', async () => {
    const file = join(dir, 'assumed.yaml');
    const args = ['--name', 'prod-blue', '--region', 'eu-west-1', '--kubeconfig', file];
    const stsEnv = { ...keys, AWS_ENDPOINT_URL_STS: sts.url };
    const caller = () => sts.identity(control.seen.at(-1)?.accessKeyId ?? '')?.arn;
    await aws([...args, '--assume-role-arn', DESCRIBER], stsEnv);
    assert.equal(caller(), 'arn:aws:sts::123456789012:assumed-role/describer/EKSDescribeClusterSession');
    const awsText = await readFile(file, 'utf8');
    control.seen.length = 0;
    const r = await runCli(['update-kubeconfig', ...args, '--assume-role-arn', DESCRIBER], env(stsEnv));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(caller(), 'arn:aws:sts::123456789012:assumed-role/describer/EKSDescribeClusterSession');
    const text = await readFile(file, 'utf8');
    assert.equal(withoutExec(text, ARN), withoutExec(awsText, ARN));
    assert.match(
      text,
      /^ {6}- token\n {6}- -i\n {6}- prod-blue\n {6}- --region\n {6}- eu-west-1\n {6}command: /m,
    );
  });

  it('picks the KUBECONFIG file that holds the cluster; a second run keeps the file as it is', async () => {
    const first = join(dir, 'first.yaml');
    const second = join(dir, 'second.yaml');
    await writeFile(first, 'apiVersion: v1\nkind: Config\n');
    await aws(['--name', 'prod-blue', '--region', 'eu-west-1', '--kubeconfig', second], keys);
    const kube = { ...keys, KUBECONFIG: `${first}:${second}` };
    const r = await runCli(['update-kubeconfig', '--name', 'prod-blue', '--region', 'eu-west-1'], env(kube));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `Updated context ${ARN} in ${second}\n`);
    assert.equal(await readFile(first, 'utf8'), 'apiVersion: v1\nkind: Config\n');
    const once = await readFile(second, 'utf8');
    await runCli(['update-kubeconfig', '--name', 'prod-blue', '--region', 'eu-west-1'], env(kube));
    assert.equal(await readFile(second, 'utf8'), once);
  });

  it('--dry-run prints and writes nothing; a missing --name, an unknown cluster or flag is one line', async () => {
    const file = join(dir, 'dry.yaml');
    const base = ['update-kubeconfig', '--region', 'eu-west-1', '--kubeconfig', file];
    const dry = await runCli([...base, '--name', 'prod-blue', '--dry-run'], env(keys));
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, new RegExp(`^current-context: ${ARN}$`, 'm'));
    await assert.rejects(stat(file), { code: 'ENOENT' });
    const cases: Array<[string[], RegExp]> = [
      [[], /update-kubeconfig: --name is required/],
      [['--name', 'nope'], /DescribeCluster nope in eu-west-1 failed: 404 ResourceNotFoundException/],
      [['--name', 'bad name!'], /--name "bad name!" is not an EKS cluster name/],
      [['--name', 'prod-blue', '--frobnicate'], /update-kubeconfig: Unknown option '--frobnicate'/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli([...base, ...args], env(keys));
      assert.equal(r.code, 1, args.join(' '));
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /^eks-token: /);
      assert.match(r.stderr, message);
    }
    await assert.rejects(stat(file), { code: 'ENOENT' });
  });
});
