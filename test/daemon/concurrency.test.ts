import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sendControl } from '../../src/protocol/sendControl.js';
import { fetchTokenIdentity } from '../../src/token/fetchCallerIdentity.js';
import { DaemonHarness, issuedSecrets, tokenOf } from '../helpers/daemonHarness.js';
import { type StsTestServer, startStsTestServer } from '../helpers/stsTestServer.js';

const ACCOUNT = '444455556666';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/eks-admin`;
const PLUGINS = 50;

let h: DaemonHarness;
let sts: StsTestServer;
const secrets: string[] = [];

before(async () => {
  h = new DaemonHarness();
  sts = await startStsTestServer();
  const dev = sts.addUser(ACCOUNT, 'dev');
  sts.addRole({ roleArn: ROLE, trustedPrincipals: [dev.arn], externalId: 'ext-42' });
  secrets.push(dev.secretAccessKey);
  h.writeHome(
    '.aws/credentials',
    `[dev]\naws_access_key_id = ${dev.accessKeyId}\naws_secret_access_key = ${dev.secretAccessKey}\n`,
  );
  h.writeHome(
    '.aws/config',
    `[profile admin]\nrole_arn = ${ROLE}\nsource_profile = dev\nexternal_id = ext-42\nregion = eu-central-1\n`,
  );
  await h.startDaemon();
});

after(async () => {
  secrets.push(...issuedSecrets(sts));
  await sts.close();
  await h.cleanup(secrets);
});

test(`${PLUGINS} plugins started at once for an assume-role profile make exactly one AssumeRole call`, async (t) => {
  const env = h.env({ AWS_PROFILE: 'admin', AWS_ENDPOINT_URL_STS: sts.url, EKS_TOKEN_DAEMON: 'on' });
  const started = Date.now();
  const results = await Promise.all(
    Array.from({ length: PLUGINS }, () =>
      h.run(['token', '-i', 'prod-blue', '--debug'], env, { timeoutMs: 60_000 }),
    ),
  );
  const wall = Date.now() - started;
  for (const r of results) {
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /token from the daemon/, r.stderr);
  }
  const tokens = new Set(results.map((r) => tokenOf(r.stdout)));
  assert.equal(tokens.size, 1, 'every plugin got the one shared token');
  assert.equal(sts.count('AssumeRole'), 1, JSON.stringify(sts.calls.map((c) => c.action)));
  assert.equal(sts.calls[0]?.params.ExternalId, 'ext-42');
  const [token] = tokens;
  const identity = await fetchTokenIdentity(token ?? '', 'prod-blue', { AWS_ENDPOINT_URL_STS: sts.url });
  assert.match(identity.arn, /assumed-role\/eks-admin\//);
  const status = await sendControl(h.socket, 'status');
  assert.ok(status.ok);
  const counters = (status.reply.status as { counters: Record<string, number> }).counters;
  assert.equal(counters.credentialFetches, 1);
  assert.equal(counters.errors, 0);
  assert.equal((counters.hits ?? 0) + (counters.misses ?? 0), PLUGINS);
  t.diagnostic(
    `${PLUGINS} plugins: ${wall} ms wall, 1 AssumeRole, ${counters.hits} hits, ${counters.misses} misses`,
  );
});
