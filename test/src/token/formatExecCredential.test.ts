import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { EksTokenError } from '../../../src/shared/EksTokenError.js';
import {
  formatExecCredential,
  formatTimestamp,
  resolveExecInfo,
} from '../../../src/token/formatExecCredential.js';

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

test('the timestamp equals toISOString to the second, for any instant in years 0 to 9999', () => {
  const max = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
  // Date.UTC maps years 0-99 to 1900-1999, so year 0 is set explicitly.
  const yearZero = new Date(0);
  yearZero.setUTCFullYear(0, 0, 1);
  fc.assert(
    fc.property(fc.integer({ min: yearZero.getTime(), max }), (ms) => {
      const iso = new Date(Math.floor(ms / 1000) * 1000).toISOString();
      assert.equal(formatTimestamp(ms), `${iso.slice(0, 19)}Z`);
    }),
    { numRuns: 5000 },
  );
  // Each field at its widest and narrowest, so a missing pad fails here.
  assert.equal(formatTimestamp(Date.UTC(2026, 0, 2, 3, 4, 5)), '2026-01-02T03:04:05Z');
  assert.equal(formatTimestamp(yearZero.getTime()), '0000-01-01T00:00:00Z');
  assert.throws(() => formatTimestamp(Number.NaN), RangeError);
});

test("KUBERNETES_EXEC_INFO: the cluster's exec extension is kept for the blue/green check, and only it", () => {
  const config = { clusterId: 'eks.devinfra.test', clusters: ['eks-blue'] };
  const info = resolveExecInfo(
    JSON.stringify({
      apiVersion: 'client.authentication.k8s.io/v1',
      spec: {
        interactive: false,
        cluster: { server: 'https://x', 'certificate-authority-data': 'QQ==', config },
      },
    }),
  );
  assert.deepEqual(info, {
    apiVersion: 'client.authentication.k8s.io/v1',
    interactive: false,
    clusterConfig: config,
  });
  const plain = resolveExecInfo(
    '{"apiVersion":"client.authentication.k8s.io/v1","spec":{"cluster":{"server":"x"}}}',
  );
  assert.equal('clusterConfig' in plain, false);
});
