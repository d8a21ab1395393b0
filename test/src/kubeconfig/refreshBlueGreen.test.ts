import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseDocument } from 'yaml';
import {
  type BlueGreenEntry,
  blueGreenCluster,
  findBlueGreenEntries,
} from '../../../src/kubeconfig/blueGreenCluster.js';
import { stringifyKubeconfig } from '../../../src/kubeconfig/parseKubeconfig.js';
import { type BundleCert, fromCaData, parsePemBundle } from '../../../src/kubeconfig/parsePemBundle.js';
import { type CandidateState, refreshBlueGreen } from '../../../src/kubeconfig/refreshBlueGreen.js';
import { updateCluster } from '../../../src/kubeconfig/updateKubeconfig.js';

// Four throwaway CAs from openssl (not from the code under test).
const dir = mkdtempSync(join(tmpdir(), 'eks-token-cas-'));
const CAS: BundleCert[] = ['a', 'b', 'c', 'd'].map((n) => {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      join(dir, `${n}.key`),
      '-out',
      join(dir, `${n}.pem`),
      '-days',
      '2',
      '-subj',
      '/CN=kubernetes',
    ],
    { stdio: 'ignore' },
  );
  const [cert] = parsePemBundle(readFileSync(join(dir, `${n}.pem`), 'latin1'), n);
  return cert as BundleCert;
});
rmSync(dir, { recursive: true, force: true });
const [A, B, C, D] = CAS as [BundleCert, BundleCert, BundleCert, BundleCert];
const fingerprint = (pem: string) =>
  execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256'], { input: pem })
    .toString()
    .trim()
    .split('=')[1];

const BASE = {
  clusterId: 'eks.devinfra.test',
  kubeconfig: '/k/config',
  name: 'devinfra',
  region: 'eu-west-1',
};

function entryFrom(cluster: ReturnType<typeof blueGreenCluster>): BlueGreenEntry {
  const doc = parseDocument('clusters: []\n');
  updateCluster(doc, 'devinfra', cluster);
  const [entry] = findBlueGreenEntries(doc);
  assert.ok(entry);
  return entry;
}

const written = () =>
  entryFrom(
    blueGreenCluster(
      'https://api',
      [
        { name: 'blue', ca: A },
        { name: 'green', ca: B },
      ],
      [D],
      BASE,
    ),
  );

test('fingerprints agree with openssl x509 -fingerprint -sha256', () => {
  assert.equal(A.fingerprint, fingerprint(A.pem));
});

test('a new live cluster joins with its CA; the other certificates keep their order', () => {
  const states = new Map<string, CandidateState>([
    ['blue', { ca: A }],
    ['green', { ca: B }],
    ['purple', { ca: C }],
  ]);
  const r = refreshBlueGreen(written(), 'purple', states, [], '/k/config');
  assert.deepEqual(r.clusters, ['blue', 'green', 'purple']);
  assert.deepEqual(r.added, ['purple']);
  const pems = fromCaData(r.cluster.certificateAuthorityData as string, 'x').map((c) => c.pem);
  assert.deepEqual(pems, [A.pem, B.pem, D.pem, C.pem]);
});

test('a cluster EKS no longer knows leaves with its CA; one it could not answer for stays as it was', () => {
  const states = new Map<string, CandidateState>([
    ['blue', 'missing'],
    ['green', 'unknown'],
  ]);
  const r = refreshBlueGreen(written(), 'green', states, [], '/k/config');
  assert.deepEqual(r.clusters, ['green']);
  assert.deepEqual(r.dropped, ['blue']);
  const pems = fromCaData(r.cluster.certificateAuthorityData as string, 'x').map((c) => c.pem);
  // D came from a --certificate-authority file: no cluster claims it, so it stays.
  assert.deepEqual(pems, [B.pem, D.pem]);
  assert.deepEqual(r.cluster.execExtension?.caFingerprints, { green: B.fingerprint });
});

test('a live cluster DescribeCluster cannot answer for joins only with a --certificate-authority bundle', () => {
  const states = new Map<string, CandidateState>([
    ['blue', { ca: A }],
    ['green', { ca: B }],
    ['purple', 'unknown'],
  ]);
  assert.deepEqual(refreshBlueGreen(written(), 'purple', states, [], '/k/config').clusters, [
    'blue',
    'green',
  ]);
  const withFile = refreshBlueGreen(written(), 'purple', states, [C], '/k/config');
  assert.deepEqual(withFile.clusters, ['blue', 'green', 'purple']);
  assert.ok(
    fromCaData(withFile.cluster.certificateAuthorityData as string, 'x').some((c) => c.pem === C.pem),
  );
});

test('refreshing twice with the same answers gives the same file, byte for byte', () => {
  const names = ['blue', 'green', 'purple', 'red'];
  const state = fc.oneof(
    fc.constant<CandidateState>('missing'),
    fc.constant<CandidateState>('unknown'),
    fc.constantFrom(...CAS).map((ca): CandidateState => ({ ca })),
  );
  fc.assert(
    fc.property(
      fc.constantFrom(...names),
      fc.tuple(state, state, state, state),
      fc.boolean(),
      (live, got, file) => {
        const states = new Map(names.map((n, i) => [n, got[i] as CandidateState]));
        const extra = file ? [D] : [];
        const render = (entry: BlueGreenEntry) => {
          const doc = parseDocument('clusters: []\n');
          updateCluster(doc, 'devinfra', refreshBlueGreen(entry, live, states, extra, '/k/config').cluster);
          return stringifyKubeconfig(doc);
        };
        const once = render(written());
        const doc = parseDocument(once);
        const [again] = findBlueGreenEntries(doc);
        assert.ok(again);
        assert.equal(render(again), once);
      },
    ),
    { numRuns: 200 },
  );
});
