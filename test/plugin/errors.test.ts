import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isolatedEnv, runCli } from '../helpers/runCli.js';

const KEYS = {
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};

/** One line on stderr, `eks-token: ...`, naming `mention`; exit 1; nothing on stdout; no secret. */
function assertOneLineError(
  result: { code: number | null; stdout: string; stderr: string },
  mention: RegExp,
) {
  assert.equal(result.code, 1, result.stderr);
  assert.equal(result.stdout, '');
  const lines = result.stderr
    .trimEnd()
    .split('\n')
    .filter((l) => !l.startsWith('eks-token: note:'));
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0] ?? '', /^eks-token: .+: .+/);
  assert.match(lines[0] ?? '', mention);
  assert.doesNotMatch(result.stderr, /wJalrXUtnFEMI|k8s-aws-v1\.|\n\s+at /);
}

test('missing cluster id names the flag', async () => {
  assertOneLineError(await runCli(['token'], isolatedEnv(KEYS)), /--cluster-id/);
  assertOneLineError(await runCli(['get-token'], isolatedEnv(KEYS)), /--cluster-name/);
});

test('KUBERNETES_AWS_AUTHENTICATOR_CLUSTER_ID names the cluster too', async () => {
  const r = await runCli(
    ['token', '--region', 'eu-west-1'],
    isolatedEnv({ ...KEYS, KUBERNETES_AWS_AUTHENTICATOR_CLUSTER_ID: 'eks-a' }),
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(JSON.parse(r.stdout).status.token, /^k8s-aws-v1\./);
});

test('unknown exec apiVersion names the value', async () => {
  const env = isolatedEnv({
    ...KEYS,
    KUBERNETES_EXEC_INFO: '{"apiVersion":"client.authentication.k8s.io/v9"}',
  });
  assertOneLineError(await runCli(['token', '-i', 'eks-a', '--region', 'eu-west-1'], env), /v9/);
});

test('bad region names the region', async () => {
  assertOneLineError(
    await runCli(['token', '-i', 'eks-a', '--region', 'moon-1'], isolatedEnv(KEYS)),
    /moon-1/,
  );
});

test('bad cluster name and unknown flag', async () => {
  assertOneLineError(
    await runCli(['token', '-i', 'eks a', '--region', 'eu-west-1'], isolatedEnv(KEYS)),
    /cluster id/,
  );
  assertOneLineError(
    await runCli(['token', '-i', 'eks-a', '--frobnicate'], isolatedEnv(KEYS)),
    /--frobnicate/,
  );
});

test('no credentials says how to get some', async () => {
  assertOneLineError(
    await runCli(['token', '-i', 'eks-a', '--region', 'eu-west-1'], isolatedEnv()),
    /credentials/,
  );
});

test('--debug adds detail but still never prints secrets', async () => {
  const r = await runCli(['token', '-i', 'eks-a', '--region', 'eu-west-1', '--debug'], isolatedEnv(KEYS));
  assert.equal(r.code, 0);
  assert.match(r.stderr, /debug: region eu-west-1/);
  assert.doesNotMatch(r.stderr, /wJalrXUtnFEMI|k8s-aws-v1\./);
});

test('--version and --help', async () => {
  const v = await runCli(['--version'], isolatedEnv());
  assert.match(v.stdout, /^\d+\.\d+\.\d+\n$/);
  const h = await runCli(['token', '--help'], isolatedEnv());
  assert.match(h.stdout, /--cluster-id/);
});

test('plugin/version.ts agrees with package.json', async () => {
  const { readFile } = await import('node:fs/promises');
  const pkg = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8'));
  const v = await runCli(['--version'], isolatedEnv());
  assert.equal(v.stdout.trim(), pkg.version);
});
