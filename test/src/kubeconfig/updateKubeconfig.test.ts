import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parse } from 'yaml';
import { execUser } from '../../../src/kubeconfig/execUser.js';
import { parseKubeconfig, stringifyKubeconfig } from '../../../src/kubeconfig/parseKubeconfig.js';
import { type KubeconfigEntry, updateKubeconfig } from '../../../src/kubeconfig/updateKubeconfig.js';

const CA = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64');

function entry(name: string, extra: Partial<KubeconfigEntry> = {}): KubeconfigEntry {
  return {
    clusterName: name,
    userName: name,
    contextName: name,
    cluster: { server: `https://${name}.example.com`, certificateAuthorityData: CA },
    exec: execUser({ clusterId: name, region: 'eu-west-1' }),
    ...extra,
  };
}

function apply(text: string, e: KubeconfigEntry) {
  const doc = parseKubeconfig(text);
  const changes = updateKubeconfig(doc, e);
  return { changes, text: stringifyKubeconfig(doc, text) };
}

// What aws eks update-kubeconfig and kubectl write, plus hand-written comments.
const EXISTING = `# managed by hand: keep this comment
apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${CA}
    server: https://other.gr7.eu-west-1.eks.amazonaws.com
  name: arn:aws:eks:eu-west-1:123456789012:cluster/other
# the kind cluster
- cluster:
    server: https://127.0.0.1:6443
    insecure-skip-tls-verify: true
  name: kind-kind
contexts:
- context:
    cluster: arn:aws:eks:eu-west-1:123456789012:cluster/other
    user: arn:aws:eks:eu-west-1:123456789012:cluster/other
    namespace: "on"
  name: arn:aws:eks:eu-west-1:123456789012:cluster/other
- context:
    cluster: kind-kind
    user: kind-kind
  name: kind-kind
current-context: kind-kind
kind: Config
preferences: {}
users:
- name: arn:aws:eks:eu-west-1:123456789012:cluster/other
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      args:
      - --region
      - eu-west-1
      - eks
      - get-token
      - --cluster-name
      - other
      command: aws
- name: kind-kind
  user:
    client-certificate-data: QUJD
    client-key-data: REVG # a trailing comment
`;

/** True when `needles` occur in `hay` in this order (each line byte for byte). */
function inOrder(hay: string[], needles: string[]): boolean {
  let at = 0;
  for (const line of needles) {
    at = hay.indexOf(line, at);
    if (at < 0) return false;
    at++;
  }
  return true;
}

test('an empty or missing file becomes kubectl-shaped YAML with the three entries', () => {
  for (const text of ['', '\n', '# just a comment\n']) {
    const { changes, text: out } = apply(text, entry('prod'));
    assert.deepEqual(changes, { cluster: 'added', user: 'added', context: 'added' });
    const json = parse(out);
    assert.deepEqual(Object.keys(json), [
      'apiVersion',
      'clusters',
      'contexts',
      'current-context',
      'kind',
      'preferences',
      'users',
    ]);
    assert.deepEqual(json.clusters, [
      { cluster: { 'certificate-authority-data': CA, server: 'https://prod.example.com' }, name: 'prod' },
    ]);
    assert.deepEqual(json.contexts, [{ context: { cluster: 'prod', user: 'prod' }, name: 'prod' }]);
    assert.deepEqual(json.users[0].user.exec, {
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      args: ['token', '-i', 'prod', '--region', 'eu-west-1'],
      command: 'eks-token',
    });
    assert.equal(json['current-context'], 'prod');
    assert.match(out, /^clusters:\n- cluster:/m, 'kubectl style: sequences not indented');
    assert.doesNotMatch(out, /%YAML/);
  }
});

test('adding keeps every existing line byte for byte, in order, except current-context', () => {
  const { changes, text: out } = apply(EXISTING, entry('prod'));
  assert.deepEqual(changes, {
    cluster: 'added',
    user: 'added',
    context: 'added',
    previousContext: 'kind-kind',
  });
  const kept = EXISTING.split('\n').filter((l) => !l.startsWith('current-context:'));
  assert.ok(inOrder(out.split('\n'), kept), out);
  assert.match(out, /^current-context: prod$/m);
  const json = parse(out);
  assert.deepEqual(
    json.clusters.map((c: { name: string }) => c.name),
    ['arn:aws:eks:eu-west-1:123456789012:cluster/other', 'kind-kind', 'prod'],
  );
});

test('the file keeps its own indented-sequence style', () => {
  const indented = parseKubeconfig(EXISTING).toString({ indentSeq: true, lineWidth: 0 });
  assert.match(indented, /^ {2}- cluster:$/m);
  const { text: out } = apply(indented, entry('prod'));
  assert.ok(
    inOrder(
      out.split('\n'),
      indented.split('\n').filter((l) => !l.startsWith('current-context:')),
    ),
    out,
  );
  assert.match(out, /^ {2}- name: prod$/m);
});

test('updating in place keeps position, comments and unrelated keys; drops what conflicts', () => {
  const name = 'kind-kind';
  const { changes, text: out } = apply(
    EXISTING,
    entry(name, { cluster: { server: 'https://new.example.com', certificateAuthorityData: CA } }),
  );
  assert.deepEqual(changes, {
    cluster: 'updated',
    user: 'updated',
    context: 'unchanged',
    previousContext: 'kind-kind',
  });
  const json = parse(out);
  assert.deepEqual(json.clusters[1], {
    cluster: { server: 'https://new.example.com', 'certificate-authority-data': CA },
    name,
  });
  assert.deepEqual(json.users[1], {
    name,
    user: { exec: execUser({ clusterId: name, region: 'eu-west-1' }) },
  });
  assert.match(out, /^# the kind cluster\n- cluster:\n {4}server: https:\/\/new\.example\.com$/m);
  // The other context keeps its namespace, still quoted so Go's YAML 1.1 reads a string.
  assert.match(out, /^ {4}namespace: "on"$/m);
});

test('a context update keeps its namespace; insecure replaces CA data', () => {
  const other = 'arn:aws:eks:eu-west-1:123456789012:cluster/other';
  const e = entry(other, {
    cluster: { server: 'https://x.example.com', insecureSkipTlsVerify: true },
    userName: 'u',
  });
  const json = parse(apply(EXISTING, e).text);
  assert.deepEqual(json.contexts[0].context, { cluster: other, user: 'u', namespace: 'on' });
  assert.deepEqual(json.clusters[0].cluster, {
    server: 'https://x.example.com',
    'insecure-skip-tls-verify': true,
  });
});

test('running twice changes nothing the second time', () => {
  const prod = entry('prod', {
    exec: execUser({
      clusterId: 'p.example.com',
      region: 'cn-north-1',
      roleArn: 'arn:aws-cn:iam::1:role/r',
      profile: 'dev',
    }),
  });
  const once = apply(EXISTING, prod);
  const twice = apply(once.text, prod);
  assert.deepEqual(twice.changes, {
    cluster: 'unchanged',
    user: 'unchanged',
    context: 'unchanged',
    previousContext: 'prod',
  });
  assert.equal(twice.text, once.text);
});

test('without cluster details an existing cluster entry is reused, a missing one is an error', () => {
  const { cluster: _, ...noCluster } = entry('kind-kind');
  const { changes, text: out } = apply(EXISTING, noCluster);
  assert.equal(changes.cluster, 'unchanged');
  assert.equal(parse(out).clusters[1].cluster.server, 'https://127.0.0.1:6443');
  const { cluster: __, ...missing } = entry('nope');
  assert.throws(() => apply(EXISTING, missing), {
    code: 'E_NO_KUBECONFIG_ENTRY',
    message: /no cluster "nope"/,
  });
});

test('YAML 1.1 look-alikes stay strings for kubectl', () => {
  const out = apply(
    '',
    entry('yes', { exec: execUser({ clusterId: 'on', region: 'eu-west-1', profile: 'null' }) }),
  ).text;
  const json = parse(out, { version: '1.1' });
  assert.equal(json.contexts[0].name, 'yes');
  assert.deepEqual(json.users[0].user.exec.args.slice(0, 3), ['token', '-i', 'on']);
  assert.equal(json.users[0].user.exec.env[0].value, 'null');
});

test('broken files are refused with E_KUBECONFIG instead of being overwritten', () => {
  assert.throws(() => parseKubeconfig('clusters: [\n'), { code: 'E_KUBECONFIG' });
  assert.throws(() => parseKubeconfig('- a\n- b\n'), { code: 'E_KUBECONFIG', message: /mapping/ });
  assert.throws(() => parseKubeconfig('a: 1\n---\nb: 2\n'), { code: 'E_KUBECONFIG' });
  assert.throws(() => apply('clusters: 3\n', entry('x')), {
    code: 'E_KUBECONFIG',
    message: /"clusters" is not a list/,
  });
  assert.equal(parse(apply('clusters:\nusers: null\n', entry('x')).text).users.length, 1);
});

test('property: other entries survive unchanged and in order, the entry appears once', () => {
  const name = fc.stringMatching(/^[a-z][a-z0-9:/._-]{0,20}$/);
  fc.assert(
    fc.property(fc.uniqueArray(name, { maxLength: 6 }), name, fc.boolean(), (names, target, indented) => {
      const list = (key: string, body: (n: string) => object) =>
        names.map((n) => ({ name: n, [key]: body(n) }));
      const start = {
        apiVersion: 'v1',
        clusters: list('cluster', (n) => ({ server: `https://${n.length}.example.com` })),
        contexts: list('context', (n) => ({ cluster: n, user: n })),
        users: list('user', () => ({ token: 'abc' })),
      };
      const doc0 = parseKubeconfig('');
      doc0.contents = doc0.createNode(start) as typeof doc0.contents;
      const text = stringifyKubeconfig(doc0, indented ? 'a:\n  - b\n' : '');
      const out = parse(apply(text, entry(target)).text, { version: '1.1' });
      for (const key of ['clusters', 'contexts', 'users'] as const) {
        const before = (start[key] as Array<{ name: string }>).filter((e) => e.name !== target);
        const after = (out[key] as Array<{ name: string }>).filter((e) => e.name !== target);
        assert.deepEqual(after, before);
        assert.equal((out[key] as Array<{ name: string }>).filter((e) => e.name === target).length, 1);
      }
      assert.equal(out['current-context'], target);
    }),
    { numRuns: 200 },
  );
});

test('names are compared as kubectl reads them: `name: 123` is the entry "123"', () => {
  const { changes, text } = apply(
    'clusters:\n- cluster:\n    server: https://a.example.com\n  name: 123\n',
    entry('123'),
  );
  assert.equal(changes.cluster, 'updated');
  assert.equal(parse(text).clusters.length, 1);
});

test('a repeated key is read as kubectl reads it (the last wins); the earlier one stays in the text', () => {
  // kubectl 1.32 `config view` on this file shows only the second users list and `second-cmd`.
  const text = `apiVersion: v1
users:
- name: early
  user: {token: t}
clusters: []
users:
- name: u
  user:
    exec:
      command: first-cmd
      command: second-cmd
`;
  const doc = parseKubeconfig(text);
  assert.deepEqual(doc.toJSON().users, [{ name: 'u', user: { exec: { command: 'second-cmd' } } }]);
  const { text: out } = apply(text, entry('u'));
  assert.ok(out.startsWith(text.slice(0, text.indexOf('clusters'))), out);
  const users = parse(out, { version: '1.1', uniqueKeys: false }).users as Array<{ name: string }>;
  assert.deepEqual(
    users.map((u) => u.name),
    ['u'],
  );
});
