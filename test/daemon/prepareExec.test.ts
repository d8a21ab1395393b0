import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prepareExec } from '../../daemon/prepareExec.js';
import type { ServedToken } from '../../daemon/ServedToken.js';

const ARGV = ['token', '-i', 'eks.devinfra.test', '--region', 'eu-west-1', '--daemon', 'on'];
const config = (clusters: string[]) => ({
  caFingerprints: {},
  clusterId: 'eks.devinfra.test',
  clusters,
  kubeconfig: '/home/u/.kube/config',
  name: 'devinfra',
  region: 'eu-west-1',
});
const info = (clusterConfig?: unknown) =>
  JSON.stringify({
    apiVersion: 'client.authentication.k8s.io/v1beta1',
    spec: {
      interactive: false,
      cluster: { server: 'https://api', ...(clusterConfig ? { config: clusterConfig } : {}) },
    },
  });
const reply = (clusterName: string): ServedToken => ({
  token: 'k8s-aws-v1.abc',
  expiresAt: Date.now() + 60_000,
  clusterName,
  warnings: [],
});
const stderrOf = (line: string) => JSON.parse(line).stderr as string;

test('the exec answer names a live cluster outside the candidates, with the refresh command', () => {
  const exec = prepareExec(ARGV, { KUBERNETES_EXEC_INFO: info(config(['eks-blue', 'eks-green'])) });
  assert.equal(stderrOf(exec.render(reply('eks-green'), true)), '');
  assert.equal(
    stderrOf(exec.render(reply('eks-purple'), true)),
    'eks-token: the TXT record eks.devinfra.test names cluster eks-purple, which this kubeconfig does not trust yet ' +
      '(candidates: eks-blue, eks-green), so kubectl will refuse its certificate: ' +
      'run eks-token kubeconfig --refresh --kubeconfig /home/u/.kube/config --name devinfra\n',
  );
});

test('answers for one token are cached per candidate list: the render key tells them apart', () => {
  const before = prepareExec(ARGV, { KUBERNETES_EXEC_INFO: info(config(['eks-blue'])) });
  const after = prepareExec(ARGV, { KUBERNETES_EXEC_INFO: info(config(['eks-blue', 'eks-purple'])) });
  assert.notEqual(before.renderKey, after.renderKey);
  assert.notEqual(
    stderrOf(before.render(reply('eks-purple'), true)),
    stderrOf(after.render(reply('eks-purple'), true)),
  );
  // Without an exec extension the key is the plain form, as before.
  assert.equal(
    prepareExec(ARGV, { KUBERNETES_EXEC_INFO: info() }).renderKey,
    'client.authentication.k8s.io/v1beta1',
  );
});

test("another tool's exec extension, or a malformed one, adds nothing", () => {
  for (const other of [{ foo: 1 }, { ...config(['eks-blue']), clusters: 'eks-blue' }, 'text', [1]]) {
    const exec = prepareExec(ARGV, { KUBERNETES_EXEC_INFO: info(other) });
    assert.equal(stderrOf(exec.render(reply('eks-purple'), true)), '');
  }
});

test('a hostile kubeconfig cannot make the line more than one line', () => {
  const exec = prepareExec(ARGV, {
    KUBERNETES_EXEC_INFO: info({ ...config(['eks-blue']), name: "dev\ninfra'x", kubeconfig: '/a b/\rc' }),
  });
  const stderr = stderrOf(exec.render(reply('eks-purple'), true));
  assert.equal(stderr.split('\n').length, 2);
  assert.match(stderr, /--kubeconfig '\/a b\/\?c' --name 'dev\?infra'\\''x'\n$/);
});

test('the answer carries what --debug prints: the cluster and whether the token was cached', () => {
  const exec = prepareExec([...ARGV, '--debug'], { KUBERNETES_EXEC_INFO: info() });
  assert.equal(exec.renderKey, prepareExec(ARGV, { KUBERNETES_EXEC_INFO: info() }).renderKey);
  const fields = (cached: boolean) => {
    const { clusterName, cached: was } = JSON.parse(exec.render(reply('eks-blue'), cached));
    return { clusterName, cached: was };
  };
  assert.deepEqual(fields(true), { clusterName: 'eks-blue', cached: true });
  assert.deepEqual(fields(false), { clusterName: 'eks-blue', cached: false });
});
