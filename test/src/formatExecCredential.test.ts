import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EksTokenError } from '../../src/EksTokenError.js';
import { formatExecCredential, formatTimestamp, resolveExecInfo } from '../../src/formatExecCredential.js';

test('KUBERNETES_EXEC_INFO: v1 and v1beta1 echoed, missing or empty means v1beta1', () => {
  assert.equal(resolveExecInfo(undefined).apiVersion, 'client.authentication.k8s.io/v1beta1');
  assert.equal(resolveExecInfo('').apiVersion, 'client.authentication.k8s.io/v1beta1');
  assert.equal(resolveExecInfo('{"apiVersion":""}').apiVersion, 'client.authentication.k8s.io/v1beta1');
  const v1 = resolveExecInfo(
    '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":true}}',
  );
  assert.deepEqual(v1, { apiVersion: 'client.authentication.k8s.io/v1', interactive: true });
  assert.equal(
    resolveExecInfo('{"apiVersion":"client.authentication.k8s.io/v1beta1","spec":{}}').interactive,
    false,
  );
});

test('unknown apiVersion and broken JSON are clear errors', () => {
  for (const [raw, code] of [
    ['{"apiVersion":"client.authentication.k8s.io/v1alpha1"}', 'E_BAD_API_VERSION'],
    ['{"apiVersion":42}', 'E_BAD_API_VERSION'],
    ['{not json', 'E_BAD_EXEC_INFO'],
  ] as const) {
    assert.throws(
      () => resolveExecInfo(raw),
      (e: unknown) => e instanceof EksTokenError && e.code === code,
    );
  }
});

test('ExecCredential JSON: RFC 3339 seconds with Z, empty spec', () => {
  const at = Date.UTC(2026, 10, 21, 23, 52, 46, 789);
  assert.equal(formatTimestamp(at), '2026-11-21T23:52:46Z');
  const parsed = JSON.parse(formatExecCredential('client.authentication.k8s.io/v1', 'k8s-aws-v1.abc', at));
  assert.deepEqual(parsed, {
    kind: 'ExecCredential',
    apiVersion: 'client.authentication.k8s.io/v1',
    spec: {},
    status: { expirationTimestamp: '2026-11-21T23:52:46Z', token: 'k8s-aws-v1.abc' },
  });
});
