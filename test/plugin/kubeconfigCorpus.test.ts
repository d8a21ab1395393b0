import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type DescribeClusterServer, startDescribeClusterServer } from '../helpers/describeClusterServer.js';
import { hasKubectl, kubectl } from '../helpers/kubectl.js';
import { CLI, isolatedEnv, runCli } from '../helpers/runCli.js';
import { type StsTestServer, startStsTestServer } from '../helpers/stsTestServer.js';

const ARN = 'arn:aws:eks:eu-west-1:123456789012:cluster/prod-blue';
const PATH = [dirname(CLI), dirname(process.execPath), '/usr/bin', '/bin'].join(':');

// Kubeconfig styles seen in the wild, each with one user (`via-aws`) that runs aws eks get-token.
const CORPUS: Record<string, string> = {
  kubectl: `apiVersion: v1
clusters:
- cluster:
    server: https://kind.local:6443
  name: minikube   # not EKS
contexts:
- context: {cluster: minikube, user: via-aws}
  name: ctx
current-context: ctx
kind: Config
preferences: {}
users:
- name : minikube
  user:
      token: abc     # odd indentation, odd spacing
- name: via-aws
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      args: [--region, eu-west-1, eks, get-token, --cluster-name, prod-blue, --output, json]
      command: aws   # from aws eks update-kubeconfig
- name: "quoted"
  user: {token: 'x'}
`,
  indented: `# four-space, indented lists
apiVersion: v1
kind: Config
users:
    -   name: via-aws
        user:
            exec:
                apiVersion: client.authentication.k8s.io/v1alpha1
                command: aws
                args:
                    - eks
                    - get-token
                    - --cluster-name
                    - prod-blue
    -   name: other
        user:
            token: t
clusters:
    -   name: other
        cluster: {server: 'https://other:443'}
contexts: []
`,
  flow: `{apiVersion: v1, kind: Config, clusters: [], contexts: [],
  current-context: none,
  users: [
    {name: other, user: {token: t}},
    {name: via-aws, user: {exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: aws, args: [eks, get-token, --cluster-name, prod-blue]}}}
  ]}
`,
  json: `{
  "apiVersion": "v1",
  "kind": "Config",
  "clusters": [],
  "contexts": [],
  "current-context": "",
  "users": [
    {
      "name": "via-aws",
      "user": {
        "exec": {
          "apiVersion": "client.authentication.k8s.io/v1beta1",
          "command": "aws",
          "args": ["eks", "get-token", "--cluster-name", "prod-blue"]
        }
      }
    },
    {"name": "other", "user": {"token": "t"}}
  ]
}
`,
  anchors: `apiVersion: v1
kind: Config
x-env: &profile
- name: AWS_PROFILE
  value: dev
clusters:
- &base
  name: blue
  cluster:
    server: https://blue:443
- <<: *base
  name: green
contexts:
- context: {cluster: blue, user: via-aws}
  name: blue
users:
- name: via-aws
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: aws
      args: [eks, get-token, --cluster-name, prod-blue]
      env: *profile
`,
  crlf: 'apiVersion: v1\r\nkind: Config\r\nclusters: []\r\ncontexts: []\r\n# comment\r\nusers:\r\n- name: other\r\n  user:\r\n    token: t\r\n- name: via-aws\r\n  user:\r\n    exec:\r\n      apiVersion: client.authentication.k8s.io/v1beta1\r\n      command: aws\r\n      args:\r\n      - eks\r\n      - get-token\r\n      - --cluster-name\r\n      - prod-blue\r\npreferences: {}\r\n',
  duplicates: `apiVersion: v1
kind: Config
current-context: old
clusters: []
contexts: []
users:
- name: via-aws
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: aws-iam-authenticator
      args: [eks, get-token, --cluster-name, prod-blue]
      command: aws
- name: other
  user:
    token: t
current-context: ""
`,
};

// The lines of via-aws's exec: from `exec` to the next line indented no deeper (one line when flow).
function execBlock(lines: string[]): [number, number] {
  const user = lines.findIndex((l) => /via-aws/.test(l));
  const start = lines.findIndex((l, i) => i >= user && /"?exec"?:/.test(l));
  const indent = (l: string) => /^\s*/.exec(l)?.[0].length ?? 0;
  let end = start + 1;
  while (end < lines.length && indent(lines[end] ?? '') > indent(lines[start] ?? '')) end++;
  return [start, end];
}

// Every line of `before` but `changed` ones appears in `after`, in order, byte for byte.
function assertKept(
  before: string,
  after: string,
  changed: (line: string, i: number) => boolean,
  name: string,
) {
  const out = after.split('\n');
  let at = 0;
  before.split('\n').forEach((line, i) => {
    if (changed(line, i)) return;
    const found = out.indexOf(line, at);
    assert.ok(found >= 0, `${name}: line ${i + 1} ${JSON.stringify(line)} is gone:\n${after}`);
    at = found + 1;
  });
}

describe('a corpus of kubeconfig styles through --migrate and update-kubeconfig', {
  skip: hasKubectl ? false : 'kubectl not installed',
}, () => {
  let dir: string;
  let sts: StsTestServer;
  let control: DescribeClusterServer;
  let keys: Record<string, string>;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eks-token-corpus-'));
    sts = await startStsTestServer();
    const alice = sts.addUser('123456789012', 'alice');
    keys = { AWS_ACCESS_KEY_ID: alice.accessKeyId, AWS_SECRET_ACCESS_KEY: alice.secretAccessKey };
    control = await startDescribeClusterServer((accessKeyId) => sts.identity(accessKeyId));
    control.clusters.set('prod-blue', { endpoint: 'https://prod-blue.example.com', caData: 'Q0E=' });
  });
  after(async () => {
    await control?.close();
    await sts?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const env = () => isolatedEnv({ HOME: dir, PATH, AWS_ENDPOINT_URL_EKS: control.url, ...keys });
  const view = async (file: string) => {
    const r = await kubectl(['config', 'view', '--kubeconfig', file, '-o', 'json', '--raw'], {});
    assert.equal(r.code, 0, `${file}: ${r.stderr}`);
    return JSON.parse(r.stdout) as {
      users?: Array<{ name: string; user: { exec?: Record<string, unknown> } }>;
    };
  };

  for (const [name, original] of Object.entries(CORPUS)) {
    it(`${name}: --migrate changes only via-aws's exec; kubectl reads the result`, async () => {
      const file = join(dir, `${name}.migrate`);
      await writeFile(file, original);
      const before = await view(file);
      const r = await runCli(['kubeconfig', '--migrate', '--kubeconfig', file], env());
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Migrated 1 user in /, `${name}: ${r.stdout}`);
      const text = await readFile(file, 'utf8');
      const [start, end] = execBlock(original.split('\n'));
      assertKept(original, text, (_, i) => i >= start && i < end, name);
      // A comment inside the converted block is kept once.
      for (const comment of original.match(/#.*/g) ?? [])
        assert.equal(text.split(comment).length, 2, `${name}: ${comment}`);
      if (original.includes('\r\n')) assert.doesNotMatch(text, /[^\r]\n/, `${name}: mixed line ends`);
      // kubectl reads the same entries, only via-aws's exec now runs eks-token.
      const after = await view(file);
      const exec = after.users?.find((u) => u.name === 'via-aws')?.user.exec;
      assert.equal(exec?.command, 'eks-token', `${name}:\n${text}`);
      assert.equal(exec?.apiVersion, 'client.authentication.k8s.io/v1beta1');
      assert.deepEqual((exec?.args as string[] | undefined)?.slice(0, 3), ['token', '-i', 'prod-blue']);
      const others = (c: typeof before) =>
        JSON.stringify({ ...c, users: c.users?.filter((u) => u.name !== 'via-aws') });
      assert.equal(others(after), others(before));
    });

    it(`${name}: update-kubeconfig adds its entries and keeps every other line`, async () => {
      const file = join(dir, `${name}.update`);
      await writeFile(file, original);
      const before = await view(file);
      const r = await runCli(
        ['update-kubeconfig', '--name', 'prod-blue', '--region', 'eu-west-1', '--kubeconfig', file],
        env(),
      );
      assert.equal(r.code, 0, r.stderr);
      const text = await readFile(file, 'utf8');
      // current-context changes; so does an empty `clusters: []` that gets an entry.
      assertKept(original, text, (line) => /current-context|(clusters|contexts)"?: \[\]/.test(line), name);
      const after = await view(file);
      assert.equal((after as { 'current-context'?: string })['current-context'], ARN, `${name}:\n${text}`);
      assert.equal(after.users?.find((u) => u.name === ARN)?.user.exec?.command, 'eks-token');
      // kubectl shows an empty list as null.
      const others = (c: Record<string, unknown>) =>
        JSON.stringify(c, (k, v) => {
          if (k === 'current-context') return undefined;
          const list = Array.isArray(v) ? v.filter((e) => e?.name !== ARN) : v;
          return Array.isArray(list) && list.length === 0 ? null : list;
        });
      assert.equal(others(after), others(before));
    });
  }
});
