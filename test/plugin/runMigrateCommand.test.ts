import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type EksApiTestServer, startEksApiTestServer } from '../helpers/eksApiTestServer.js';
import { hasKubectl, kubectl, whoamiUser } from '../helpers/kubectl.js';
import { CLI, isolatedEnv, runCli } from '../helpers/runCli.js';
import { type StsTestServer, startStsTestServer } from '../helpers/stsTestServer.js';

// Neither aws nor aws-iam-authenticator is on this PATH: after migrating, kubectl needs only eks-token.
const PATH = [dirname(CLI), dirname(process.execPath), '/usr/bin', '/bin'].join(':');

/** Entries that must come out byte for byte as they went in. */
const UNTOUCHED = {
  oidc: `- name: oidc
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      args: [oidc-login, get-token, --oidc-issuer-url=https://issuer.example.com]
      command: kubectl
`,
  static: `- name: kind-token
  user:
    token: static-secret-token # a plain bearer token
`,
  endpoint: `- name: aws-elsewhere
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      args:
      - eks
      - get-token
      - --cluster-name
      - prod-blue
      - --endpoint-url
      - https://sts.internal.example.com
      command: aws
`,
  // A wrapper kubectl would not find, and a TXT wrapper that asks its own DNS server: both named.
  missing: `- name: missing-wrapper
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: aws-iam-authenticator-wrapper
      args: [token, -i, eks.devinfra.test]
`,
  ownServer: `- name: dig-at-server
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: ./bin/dig-at.sh
      args: [token, -i, eks.devinfra.test]
`,
};

function kubeconfig(api: EksApiTestServer): string {
  const context = (name: string, cluster = 'prod-blue') =>
    `- context:\n    cluster: ${cluster}\n    user: ${name}\n  name: ${name}\n`;
  return `# team kubeconfig: this comment stays
apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${api.caData}
    server: ${api.url}
  name: prod-blue
- cluster:
    insecure-skip-tls-verify: true
    server: https://kind.local:6443 # local kind
  name: kind
contexts:
${context('via-aws')}${context('via-authenticator')}${context('via-wrapper')}${context('kind-token', 'kind')}current-context: kind-token
kind: Config
preferences: {}
users:
- name: via-aws
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      args:
      - --region
      - eu-west-1
      - eks
      - get-token
      - --cluster-name
      - prod-blue
      - --output
      - json
      command: aws
      env:
      - name: AWS_PROFILE
        value: dev
${UNTOUCHED.oidc}- name: via-authenticator
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: /usr/local/bin/aws-iam-authenticator
      args: ["token", "-i", "prod-blue", "--region", "eu-west-1"]
      env:
      - name: TEAM_SECRET
        value: s3cr3t-value
      interactiveMode: Never
${UNTOUCHED.static}- name: via-wrapper
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ./bin/eks-login.sh
      args: ["-i", "prod-blue"]
      interactiveMode: IfAvailable
${UNTOUCHED.endpoint}${UNTOUCHED.missing}${UNTOUCHED.ownServer}`;
}

// What the three converted users must read afterwards (everything else is the input, unchanged).
const CONVERTED = {
  aws: `    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      args:
      - token
      - -i
      - prod-blue
      - --region
      - eu-west-1
      command: eks-token
      env:
      - name: AWS_PROFILE
        value: dev
`,
  authenticator: `    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: eks-token
      args:
      - token
      - -i
      - prod-blue
      - --region
      - eu-west-1
      env:
      - name: TEAM_SECRET
        value: s3cr3t-value
      interactiveMode: Never
`,
  wrapper: `    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: eks-token
      args:
      - token
      - -i
      - prod-blue
      - --region
      - eu-west-1
      interactiveMode: IfAvailable
      env:
      - name: AWS_PROFILE
        value: dev
`,
};

describe('eks-token kubeconfig --migrate', { skip: hasKubectl ? false : 'kubectl not installed' }, () => {
  let dir: string;
  let sts: StsTestServer;
  let api: EksApiTestServer;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eks-token-migrate-'));
    sts = await startStsTestServer();
    api = await startEksApiTestServer({ clusterName: 'prod-blue', stsUrl: sts.url });
    // The default profile is alice, profile dev is bob: a lost profile shows as the wrong user.
    const alice = sts.addUser('111122223333', 'alice');
    const bob = sts.addUser('111122223333', 'bob');
    api.mapUsers.push({ userarn: alice.arn, username: 'alice', groups: ['devs'] });
    api.mapUsers.push({ userarn: bob.arn, username: 'bob', groups: ['devs'] });
    const keys = (u: typeof alice) =>
      `aws_access_key_id = ${u.accessKeyId}\naws_secret_access_key = ${u.secretAccessKey}\n`;
    await writeFile(join(dir, 'credentials'), `[default]\n${keys(alice)}[dev]\n${keys(bob)}`);
    await mkdir(join(dir, 'kube', 'bin'), { recursive: true });
    await writeFile(
      join(dir, 'kube', 'bin', 'eks-login.sh'),
      '#!/bin/sh\n# team login wrapper\nset -eu\nexport AWS_PROFILE=dev\nexec aws-iam-authenticator token --region eu-west-1 "$@"\n',
    );
    await chmod(join(dir, 'kube', 'bin', 'eks-login.sh'), 0o755);
    await writeFile(
      join(dir, 'kube', 'bin', 'dig-at.sh'),
      '#!/bin/bash\nc=$(dig +short TXT "$3" @10.0.0.2)\nexec aws-iam-authenticator token -i "$c"\n',
      { mode: 0o755 },
    );
  });
  after(async () => {
    await api?.close();
    await sts?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const env = (extra: Record<string, string> = {}) =>
    isolatedEnv({ HOME: dir, PATH, AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), ...extra });

  it('converts the aws, authenticator and wrapper users; kubectl works with each; others stay byte for byte', async () => {
    const file = join(dir, 'kube', 'config');
    const original = kubeconfig(api);
    await writeFile(file, original, { mode: 0o600 });

    const dry = await runCli(['kubeconfig', '--migrate', '--dry-run', '--kubeconfig', file], env());
    assert.equal(dry.code, 0, dry.stderr);
    assert.equal(await readFile(file, 'utf8'), original);
    assert.deepEqual(await readdir(dirname(file)), ['bin', 'config']);
    assert.doesNotMatch(dry.stdout, /s3cr3t|static-secret/);
    assert.equal(
      dry.stdout,
      [
        'user via-aws: aws -> eks-token',
        '- aws --region eu-west-1 eks get-token --cluster-name prod-blue --output json',
        '+ eks-token token -i prod-blue --region eu-west-1',
        '  env: AWS_PROFILE=dev',
        'user via-authenticator: aws-iam-authenticator -> eks-token',
        '- /usr/local/bin/aws-iam-authenticator token -i prod-blue --region eu-west-1',
        '+ eks-token token -i prod-blue --region eu-west-1',
        '  env: TEAM_SECRET=...',
        'user via-wrapper: aws-iam-authenticator (through ./bin/eks-login.sh) -> eks-token',
        '- ./bin/eks-login.sh -i prod-blue',
        '+ eks-token token -i prod-blue --region eu-west-1',
        '+ env: AWS_PROFILE=dev',
        'user aws-elsewhere: left as it is: it passes --endpoint-url, which eks-token does not translate',
        'user missing-wrapper: left as it is: aws-iam-authenticator-wrapper: not found on PATH (run this where kubectl finds it)',
        'user dig-at-server: left as it is: ./bin/dig-at.sh: dig asks @10.0.0.2; give eks-token the server with --dns-server',
        `Would migrate 3 users in ${file}; 3 left as they are (above) (dry run: nothing written)`,
        '',
      ].join('\n'),
    );

    const r = await runCli(['kubeconfig', '--migrate'], env({ KUBECONFIG: file }));
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      new RegExp(
        `Migrated 3 users in ${file}; 3 left as they are \\(above\\); the previous file is ${file}\\.bak\\n$`,
      ),
    );
    assert.equal(await readFile(`${file}.bak`, 'utf8'), original);
    assert.equal((await stat(`${file}.bak`)).mode & 0o777, 0o600);
    const text = await readFile(file, 'utf8');
    const exec = (user: string) => new RegExp(`(- name: ${user}\\n  user:\\n)    exec:\\n(?: {5}.*\\n)+`);
    const expected = original
      .replace(exec('via-aws'), `$1${CONVERTED.aws}`)
      .replace(exec('via-authenticator'), `$1${CONVERTED.authenticator}`)
      .replace(exec('via-wrapper'), `$1${CONVERTED.wrapper}`);
    assert.notEqual(expected, original);
    assert.equal(text, expected);
    for (const entry of Object.values(UNTOUCHED)) assert.ok(text.includes(entry), entry);

    const who = async (context: string) => {
      const k = await kubectl(
        ['--context', context, 'auth', 'whoami', '-o', 'json'],
        env({ KUBECONFIG: file, AWS_ENDPOINT_URL_STS: sts.url }),
      );
      assert.equal(k.code, 0, `${context}: ${k.stderr}`);
      return whoamiUser(k.stdout).username;
    };
    assert.equal(await who('via-aws'), 'bob');
    assert.equal(await who('via-authenticator'), 'alice');
    assert.equal(await who('via-wrapper'), 'bob');

    // Nothing left to do: no write, no second backup.
    const again = await runCli(['kubeconfig', '--migrate', '--kubeconfig', file], env());
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /Nothing to migrate in /);
    assert.equal(await readFile(file, 'utf8'), text);
    assert.deepEqual((await readdir(dirname(file))).sort(), ['bin', 'config', 'config.bak']);
  });

  it('keeps an earlier backup: the next one gets a timestamp', async () => {
    const file = join(dir, 'kube', 'second');
    await writeFile(file, kubeconfig(api));
    await writeFile(`${file}.bak`, 'older backup\n');
    const r = await runCli(['kubeconfig', '--migrate', '--kubeconfig', file], env());
    assert.equal(r.code, 0, r.stderr);
    const backup = /the previous file is (.*)\n$/.exec(r.stdout)?.[1] ?? '';
    assert.match(backup, /second\.\d{8}T\d{6}Z\.bak$/);
    assert.equal(await readFile(backup, 'utf8'), kubeconfig(api));
    assert.equal(await readFile(`${file}.bak`, 'utf8'), 'older backup\n');
    assert.match(await readFile(file, 'utf8'), /^ {6}command: eks-token$/m);
  });

  it('a missing or broken file, or a flag --migrate does not take, is one line and writes nothing', async () => {
    const broken = join(dir, 'broken.yaml');
    await writeFile(broken, 'users: [\n');
    const cases: Array<[string[], RegExp]> = [
      [['--kubeconfig', join(dir, 'nope')], /cannot read kubeconfig .*nope \(ENOENT\)/],
      [['--kubeconfig', broken], /broken\.yaml: kubeconfig is not valid YAML/],
      [['--kubeconfig', broken, '--name', 'x'], /kubeconfig --migrate: Unknown option '--name'/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(['kubeconfig', '--migrate', ...args], env());
      assert.equal(r.code, 1, args.join(' '));
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /^eks-token: /);
      assert.match(r.stderr, message);
    }
    assert.equal(await readFile(broken, 'utf8'), 'users: [\n');
    await assert.rejects(stat(`${broken}.bak`), { code: 'ENOENT' });
  });
});
