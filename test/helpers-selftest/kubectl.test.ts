import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import {
  buildKubeconfig,
  type EksApiTestServer,
  startEksApiTestServer,
} from '../helpers/eksApiTestServer.js';
import { type StsTestServer, startStsTestServer } from '../helpers/stsTestServer.js';
import { makeEksToken } from '../helpers/testTokens.js';

const run = promisify(execFile);
const hasKubectl = await run('kubectl', ['version', '--client']).then(
  () => true,
  () => false,
);

// A stand-in exec plugin: prints an ExecCredential with the token from its environment.
const PLUGIN = `process.stdout.write(JSON.stringify({
  apiVersion: 'client.authentication.k8s.io/v1beta1',
  kind: 'ExecCredential',
  status: { token: process.env.TEST_EKS_TOKEN },
}));
`;

describe('real kubectl against the fake EKS API server', {
  skip: hasKubectl ? false : 'kubectl not on PATH',
}, () => {
  let sts: StsTestServer;
  let eks: EksApiTestServer;
  let dir: string;

  async function kubectl(args: string[], token: string) {
    const kubeconfig = join(dir, `kubeconfig-${Math.random().toString(36).slice(2)}.yaml`);
    await writeFile(
      kubeconfig,
      buildKubeconfig({
        server: eks.url,
        caData: eks.caData,
        exec: { command: process.execPath, args: [join(dir, 'plugin.mjs')], env: { TEST_EKS_TOKEN: token } },
      }),
    );
    return run('kubectl', args, {
      env: { PATH: process.env.PATH ?? '', HOME: dir, KUBECONFIG: kubeconfig },
      timeout: 60_000,
    });
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eks-token-kubectl-'));
    await writeFile(join(dir, 'plugin.mjs'), PLUGIN);
    sts = await startStsTestServer();
    eks = await startEksApiTestServer({ clusterName: 'blue', stsUrl: sts.url });
  });
  after(async () => {
    await eks?.close();
    await sts?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('kubectl auth whoami and get --raw see the mapped identity', async () => {
    const alice = sts.addUser('111122223333', 'alice');
    eks.mapUsers.push({ userarn: alice.arn, username: 'alice', groups: ['devs'] });
    const token = makeEksToken({ credentials: alice, clusterName: 'blue' });
    const whoami = await kubectl(['auth', 'whoami', '-o', 'json'], token);
    const review = JSON.parse(whoami.stdout) as {
      status: { userInfo: { username: string; extra: Record<string, string[]> } };
    };
    assert.equal(review.status.userInfo.username, 'alice');
    assert.deepEqual(review.status.userInfo.extra.arn, [alice.arn]);
    const table = await kubectl(['auth', 'whoami'], token);
    assert.match(table.stdout, /Username\s+alice/);
    const raw = await kubectl(['get', '--raw', '/some/path'], token);
    assert.equal((JSON.parse(raw.stdout) as { path: string }).path, '/some/path');
  });

  it('kubectl fails with Unauthorized for a token minted for another cluster', async () => {
    const bob = sts.addUser('111122223333', 'bob');
    eks.mapUsers.push({ userarn: bob.arn, username: 'bob' });
    const token = makeEksToken({ credentials: bob, clusterName: 'green' });
    await assert.rejects(kubectl(['get', '--raw', '/x'], token), (e: Error & { stderr?: string }) =>
      /Unauthorized|provide credentials/i.test(e.stderr ?? ''),
    );
    assert.equal(eks.requests.at(-1)?.reason, 'sts-rejected');
  });
});
