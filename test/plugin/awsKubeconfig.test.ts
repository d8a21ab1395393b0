import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { type DescribeClusterServer, startDescribeClusterServer } from '../helpers/describeClusterServer.js';
import { type EksApiTestServer, startEksApiTestServer } from '../helpers/eksApiTestServer.js';
import { hasCommand } from '../helpers/hasCommand.js';
import { hasKubectl, kubectl, whoamiUser } from '../helpers/kubectl.js';
import { CLI, isolatedEnv } from '../helpers/runCli.js';
import { type StsIdentity, type StsTestServer, startStsTestServer } from '../helpers/stsTestServer.js';

const exec = promisify(execFile);
const ACCOUNT = '111122223333';

// The migration promise: a kubeconfig that the real `aws eks update-kubeconfig` wrote works with
// kubectl once its `command: aws` says eks-token instead, and nothing else changes.
describe('a kubeconfig written by aws eks update-kubeconfig, with only command: changed', {
  skip: (!hasKubectl && 'kubectl not installed') || (!hasCommand('aws') && 'aws CLI not installed'),
}, () => {
  let dir: string;
  let sts: StsTestServer;
  let eks: EksApiTestServer;
  let describeApi: DescribeClusterServer;
  let user: StsIdentity;
  const keys = () => ({ AWS_ACCESS_KEY_ID: user.accessKeyId, AWS_SECRET_ACCESS_KEY: user.secretAccessKey });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eks-token-awskc-'));
    sts = await startStsTestServer();
    eks = await startEksApiTestServer({ clusterName: 'my-cluster', stsUrl: sts.url });
    user = sts.addUser(ACCOUNT, 'migrant');
    describeApi = await startDescribeClusterServer([
      { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey },
    ]);
    describeApi.clusters.set('my-cluster', { endpoint: eks.url, caData: eks.caData });
  });
  after(async () => {
    await describeApi?.close();
    await eks?.close();
    await sts?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Runs the real aws eks update-kubeconfig, then swaps `command: aws` for the eks-token launcher. */
  async function awsWrittenKubeconfig(name: string, extra: string[]): Promise<string> {
    const file = join(dir, name);
    await exec(
      'aws',
      [
        'eks',
        'update-kubeconfig',
        '--name',
        'my-cluster',
        '--region',
        'eu-west-1',
        '--kubeconfig',
        file,
        ...extra,
      ],
      {
        env: {
          PATH: process.env.PATH ?? '',
          ...isolatedEnv({ HOME: dir, ...keys(), AWS_ENDPOINT_URL_EKS: describeApi.url }),
        },
      },
    );
    const written = await readFile(file, 'utf8');
    assert.match(written, /command: aws\n/);
    assert.match(
      written,
      /- --region\n\s+- eu-west-1\n\s+- eks\n\s+- get-token\n\s+- --cluster-name\n\s+- my-cluster\n\s+- --output\n\s+- json\n/,
    );
    await writeFile(file, written.replace(/command: aws\n/, `command: ${CLI}\n`));
    return file;
  }

  it('static keys: kubectl authenticates as the mapped user', async () => {
    eks.mapUsers.push({ userarn: user.arn, username: 'migrant', groups: ['devs'] });
    const kc = await awsWrittenKubeconfig('plain', []);
    const r = await kubectl(
      ['auth', 'whoami', '-o', 'json'],
      isolatedEnv({ HOME: dir, KUBECONFIG: kc, ...keys() }),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(whoamiUser(r.stdout).username, 'migrant');
    assert.equal(eks.requests.at(-1)?.token?.host, 'sts.eu-west-1.amazonaws.com');
  });

  it('--role-arn: the role aws wrote into the args is assumed', async () => {
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/ClusterAdmin`;
    sts.addRole({ roleArn, trustedPrincipals: [user.arn] });
    eks.mapRoles.push({ rolearn: roleArn, username: 'admin:{{SessionName}}', groups: ['system:masters'] });
    const kc = await awsWrittenKubeconfig('role', ['--role-arn', roleArn]);
    assert.match(await readFile(kc, 'utf8'), new RegExp(`- ${roleArn.replace(/[/]/g, '\\/')}\n`));
    const r = await kubectl(
      ['auth', 'whoami', '-o', 'json'],
      isolatedEnv({ HOME: dir, KUBECONFIG: kc, ...keys(), AWS_ENDPOINT_URL_STS: sts.url }),
    );
    assert.equal(r.code, 0, r.stderr);
    // The session name aws eks get-token uses, so {{SessionName}} maps as it did.
    assert.equal(whoamiUser(r.stdout).username, 'admin:EKSGetTokenAuth');
  });
});
