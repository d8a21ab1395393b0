import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { findOnPath, launcherOf, resolveCommandName } from '../../plugin/resolveCommandName.js';
import { type EksApiTestServer, startEksApiTestServer } from '../helpers/eksApiTestServer.js';
import { hasKubectl, kubectl, whoamiUser } from '../helpers/kubectl.js';
import { CLI, isolatedEnv, runCli } from '../helpers/runCli.js';
import { type StsTestServer, startStsTestServer } from '../helpers/stsTestServer.js';

describe('resolveCommandName', () => {
  let dir: string;
  const file = async (path: string, mode = 0o755) => {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, '#!/bin/sh\n');
    await chmod(path, mode);
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eks-token-command-name-'));
    // An npm -g install: PREFIX/bin/eks-token -> ../lib/node_modules/eks-token/bin/eks-token.
    await file(join(dir, 'npm/lib/node_modules/eks-token/bin/eks-token'));
    await file(join(dir, 'npm/lib/node_modules/eks-token/dist/bundle/cli.cjs'), 0o644);
    await mkdir(join(dir, 'npm/bin'));
    await symlink('../lib/node_modules/eks-token/bin/eks-token', join(dir, 'npm/bin/eks-token'));
    // An install.sh prefix, and another copy elsewhere.
    await file(join(dir, 'local/bin/eks-token'));
    await file(join(dir, 'local/lib/eks-token/cli.cjs'), 0o644);
    await file(join(dir, 'other/eks-token'));
    await file(join(dir, 'not-executable/eks-token'), 0o644);
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const npmBundle = () => join(dir, 'npm/lib/node_modules/eks-token/dist/bundle/cli.cjs');
  const localBundle = () => join(dir, 'local/lib/eks-token/cli.cjs');

  it("the launcher of an npm -g copy is npm's link in PREFIX/bin, where node is looked for", () => {
    assert.equal(launcherOf(npmBundle()), join(dir, 'npm/bin/eks-token'));
    assert.equal(launcherOf(localBundle()), join(dir, 'local/bin/eks-token'));
    assert.equal(launcherOf(join(dir, 'nowhere/dist/bundle/cli.cjs')), undefined);
  });

  it('PATH leads to this copy: the bare name', () => {
    for (const [bundle, bin] of [
      [npmBundle(), 'npm/bin'],
      [localBundle(), 'local/bin'],
    ] as const) {
      const r = resolveCommandName(bundle, { PATH: `${join(dir, 'not-executable')}:${join(dir, bin)}` });
      assert.equal(r.command, 'eks-token');
      assert.equal(r.note, `exec command: eks-token (this copy, on PATH as ${join(dir, bin, 'eks-token')})`);
    }
  });

  it('not on PATH, or another copy first: the absolute path, saying why', () => {
    const launcher = join(dir, 'npm/bin/eks-token');
    assert.deepEqual(resolveCommandName(npmBundle(), { PATH: '/nonexistent' }), {
      command: launcher,
      note: `exec command: ${launcher} (eks-token is not on PATH)`,
    });
    const other = join(dir, 'other');
    assert.deepEqual(resolveCommandName(npmBundle(), { PATH: `${other}:${join(dir, 'npm/bin')}` }), {
      command: launcher,
      note: `exec command: ${launcher} (the eks-token on PATH, ${other}/eks-token, is another copy)`,
    });
  });

  it('a relative PATH entry first: kubectl refuses it, so the absolute path', () => {
    const rel = relative(process.cwd(), join(dir, 'local/bin'));
    const r = resolveCommandName(localBundle(), { PATH: `${rel}:${join(dir, 'local/bin')}` });
    assert.equal(r.command, join(dir, 'local/bin/eks-token'));
    assert.match(r.note, /first on PATH, \.\/.*local\/bin\/eks-token, is relative, which kubectl refuses\)$/);
  });
});

describe('eks-token kubeconfig with eks-token off PATH', {
  skip: hasKubectl ? false : 'kubectl not installed',
}, () => {
  let dir: string;
  let sts: StsTestServer;
  let eks: EksApiTestServer;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eks-token-off-path-'));
    sts = await startStsTestServer();
    eks = await startEksApiTestServer({ clusterName: 'eks-green', stsUrl: sts.url });
  });
  after(async () => {
    await eks?.close();
    await sts?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes the launcher path and kubectl, whose PATH has no eks-token, authenticates with it', async () => {
    const PATH = '/usr/bin:/bin';
    assert.equal(
      findOnPath('eks-token', PATH),
      undefined,
      'an eks-token in /usr/bin or /bin spoils this test',
    );
    const user = sts.addUser('111122223333', 'erin');
    eks.mapUsers.push({ userarn: user.arn, username: 'erin', groups: ['devs'] });
    const kc = join(dir, 'config');
    const env = isolatedEnv({
      HOME: dir,
      PATH,
      KUBECONFIG: kc,
      AWS_ENDPOINT_URL_STS: sts.url,
      AWS_ACCESS_KEY_ID: user.accessKeyId,
      AWS_SECRET_ACCESS_KEY: user.secretAccessKey,
    });
    const r = await runCli(
      [
        'kubeconfig',
        '-i',
        'eks-green',
        '--server',
        eks.url,
        '--certificate-authority-data',
        eks.caData,
        '--region',
        'eu-west-1',
      ],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.split('\n').at(-2), `exec command: ${CLI} (eks-token is not on PATH)`);
    const written = parse(await readFile(kc, 'utf8'));
    assert.equal(written.users[0].user.exec.command, CLI);
    const who = await kubectl(['auth', 'whoami', '-o', 'json'], env);
    assert.equal(who.code, 0, who.stderr);
    assert.equal(whoamiUser(who.stdout).username, 'erin');
  });

  it('kubeconfig --migrate writes the launcher path too, and says so', async () => {
    const kc = join(dir, 'migrate.yaml');
    await writeFile(
      kc,
      'apiVersion: v1\nkind: Config\nusers:\n- name: old\n  user:\n    exec:\n' +
        '      apiVersion: client.authentication.k8s.io/v1beta1\n      command: aws\n' +
        '      args: [--region, eu-west-1, eks, get-token, --cluster-name, eks-green]\n',
    );
    const r = await runCli(
      ['kubeconfig', '--migrate', '--kubeconfig', kc],
      isolatedEnv({ HOME: dir, PATH: '/usr/bin:/bin' }),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, `exec command: ${CLI} (eks-token is not on PATH)\n`);
    assert.equal(parse(await readFile(kc, 'utf8')).users[0].user.exec.command, CLI);
  });
});
