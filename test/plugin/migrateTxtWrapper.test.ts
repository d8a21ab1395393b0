import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { type Dnsmasq, hasDnsmasq, startDnsmasq } from '../helpers/dnsmasq.js';
import { type EksApiTestServer, startEksApiTestServer } from '../helpers/eksApiTestServer.js';
import { hasCommand } from '../helpers/hasCommand.js';
import { hasKubectl, kubectl, whoamiUser } from '../helpers/kubectl.js';
import { CLI, isolatedEnv, runCli } from '../helpers/runCli.js';
import { type StsTestServer, startStsTestServer } from '../helpers/stsTestServer.js';
import { type SwitchProxy, startSwitchProxy } from '../helpers/switchProxy.js';
import { generateTestTls, type TestTls } from '../helpers/testTls.js';

const run = promisify(execFile);
const RECORD = 'eks.devinfra.info';
const ACCOUNT = '111122223333';

// The wrapper script and kubeconfig as the blue/green write-up published them (duplicate
// `command:`, `- name :`, v1alpha1, insecure-skip-tls-verify included).
const WRAPPER = `#!/bin/bash
target_cluster=$(dig +short -t TXT "$3" | tr -d '"')
if [ -z "$target_cluster" ]; then target_cluster="$3"; fi
set -- "\${@:1:2}" "$target_cluster" "\${@:4}"
aws-iam-authenticator "$@"
`;
const KUBECONFIG = `apiVersion: v1
clusters:
- cluster:
    insecure-skip-tls-verify: true
    server: https://api.devinfra.info
  name: eks.devinfra.info
contexts:
- context:
    cluster: eks.devinfra.info
    user: eks.devinfra.info
  name: eks
kind: Config
preferences:
  colors: true
users:
- name : eks.devinfra.info
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1alpha1
      command: aws-iam-authenticator-wrapper
      args:
      - token
      - -i
      - eks.devinfra.info
      - -r
      - arn:aws:iam::XXXXXXXXXXXXXXX:role/k8s
      command: aws-iam-authenticator-wrapper
      env:
      - name: AWS_PROFILE
        value: awsaccess
`;

const skip = !hasKubectl
  ? 'kubectl not installed'
  : !hasDnsmasq()
    ? 'dnsmasq not installed'
    : !hasCommand('dig')
      ? 'dig not installed (bind9-dnsutils)'
      : false;

describe('the published TXT wrapper set-up: one --migrate, then kubectl follows the record', { skip }, () => {
  let dir: string;
  let sts: StsTestServer;
  let tls: TestTls;
  let blue: EksApiTestServer;
  let green: EksApiTestServer;
  let literal: EksApiTestServer;
  let api: SwitchProxy;
  let dns: Dnsmasq;
  let bin: string;
  let env: (path: string) => Record<string, string | undefined>;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eks-token-txt-wrapper-'));
    sts = await startStsTestServer();
    tls = await generateTestTls();
    const ops = sts.addUser(ACCOUNT, 'ops');
    const role = sts.addRole({ roleArn: `arn:aws:iam::${ACCOUNT}:role/k8s`, trustedPrincipals: [ops.arn] });
    blue = await startEksApiTestServer({ clusterName: 'eks-blue', stsUrl: sts.url, tls });
    green = await startEksApiTestServer({ clusterName: 'eks-green', stsUrl: sts.url, tls });
    literal = await startEksApiTestServer({ clusterName: RECORD, stsUrl: sts.url, tls });
    for (const s of [blue, green, literal])
      s.mapRoles.push({ rolearn: role.roleArn, username: `k8s@${s.clusterName}`, groups: ['readonly'] });
    api = await startSwitchProxy(blue.port);
    dns = await startDnsmasq({ txt: { [RECORD]: 'eks-blue' }, ttlSeconds: 1 });
    await writeFile(
      join(dir, 'credentials'),
      `[awsaccess]\naws_access_key_id = ${ops.accessKeyId}\naws_secret_access_key = ${ops.secretAccessKey}\n`,
    );
    await writeFile(join(dir, 'config'), '[profile awsaccess]\nregion = eu-west-1\n');
    // The real dig reads ~/.digrc: the wrapper's lookups go to dnsmasq, the script unchanged.
    await writeFile(join(dir, '.digrc'), `@127.0.0.1 -p ${dns.port} +time=1 +tries=2\n`);
    bin = join(dir, 'bin');
    await mkdir(bin);
    await writeFile(join(bin, 'aws-iam-authenticator-wrapper'), WRAPPER, { mode: 0o755 });
    env = (path) =>
      isolatedEnv({
        HOME: dir,
        PATH: path,
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
        AWS_CONFIG_FILE: join(dir, 'config'),
        AWS_ENDPOINT_URL_STS: sts.url,
        EKS_TOKEN_DNS_SERVER: dns.address,
      });
  });
  after(async () => {
    await dns?.stop();
    await api?.close();
    await blue?.close();
    await green?.close();
    await literal?.close();
    await sts?.close();
    await tls?.cleanup();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  // The cluster the unmigrated wrapper picks: the real script and dig, with an argument recorder
  // in place of aws-iam-authenticator (not installed here).
  async function wrapperChoice(): Promise<string> {
    const recorder = join(dir, 'recorder');
    await mkdir(recorder, { recursive: true });
    await writeFile(join(recorder, 'aws-iam-authenticator'), '#!/bin/sh\necho "$3"\n', { mode: 0o755 });
    const path = [bin, recorder, '/usr/bin', '/bin'].join(':');
    const r = await run('aws-iam-authenticator-wrapper', ['token', '-i', RECORD], {
      env: env(path) as NodeJS.ProcessEnv,
    });
    return r.stdout.trim();
  }

  it('converts the entry, keeps the other lines, and kubectl follows the TXT switch', async () => {
    // The article's file with only the two values a test cannot use: its server and account.
    const file = join(dir, 'kube', 'config');
    await mkdir(dirname(file));
    const original = KUBECONFIG.replace('https://api.devinfra.info', api.url).replace(
      'XXXXXXXXXXXXXXX',
      ACCOUNT,
    );
    await writeFile(file, original, { mode: 0o600 });
    const path = [bin, dirname(CLI), dirname(process.execPath), '/usr/bin', '/bin'].join(':');

    assert.equal(await wrapperChoice(), 'eks-blue');
    const r = await runCli(['kubeconfig', '--migrate', '--kubeconfig', file], env(path));
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^user eks\.devinfra\.info: aws-iam-authenticator \(through aws-iam-authenticator-wrapper\)/,
    );
    assert.match(r.stdout, /Migrated 1 user in /);
    // One line names the command that writes a verified entry in place of insecure-skip-tls-verify.
    const warnings = r.stderr.split('\n').filter((l) => l.includes('skips TLS verification'));
    assert.equal(warnings.length, 1, r.stderr);
    assert.match(
      warnings[0] ?? '',
      /eks-token kubeconfig -i eks\.devinfra\.info --name eks\.devinfra\.info --alias eks .*--clusters /,
    );

    // Every line before the exec block (the last one in the file) comes out byte for byte.
    const text = await readFile(file, 'utf8');
    const execStart = original.indexOf('    exec:\n');
    assert.equal(text.slice(0, execStart), original.slice(0, execStart));
    assert.equal(
      text.slice(execStart),
      `    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      args:
      - token
      - -i
      - eks.devinfra.info
      - --role
      - arn:aws:iam::${ACCOUNT}:role/k8s
      - --txt-fallback=literal
      command: eks-token
      env:
      - name: AWS_PROFILE
        value: awsaccess
`,
    );

    // kubectl 1.32 with neither the wrapper nor the authenticator on PATH.
    const kubectlPath = [dirname(CLI), dirname(process.execPath), '/usr/bin', '/bin'].join(':');
    const who = async () => {
      // The published file sets no current-context.
      const k = await kubectl(['--context', 'eks', 'auth', 'whoami', '-o', 'json'], {
        ...env(kubectlPath),
        KUBECONFIG: file,
      });
      assert.equal(k.code, 0, k.stderr);
      return whoamiUser(k.stdout).username;
    };
    assert.equal(await who(), 'k8s@eks-blue');

    await dns.restart({ txt: { [RECORD]: 'eks-green' }, ttlSeconds: 1 });
    api.switchTo(green.port);
    assert.equal(await wrapperChoice(), 'eks-green');
    assert.equal(await who(), 'k8s@eks-green');

    // No record: the wrapper and the converted entry both sign for the name as it is.
    await dns.restart({ txt: {}, localDomains: ['devinfra.info'], ttlSeconds: 1 });
    api.switchTo(literal.port);
    assert.equal(await wrapperChoice(), RECORD);
    assert.equal(await who(), `k8s@${RECORD}`);
  });
});
