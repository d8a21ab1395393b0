import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeEksToken } from '../helpers/iamAuthenticator.js';
import { isolatedEnv, runCli } from '../helpers/runCli.js';

const KEYS = {
  AWS_ACCESS_KEY_ID: 'AKIDFROMENV',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};

/** Exit 1, nothing on stdout, exactly one `eks-token: ...` line on stderr that matches `mention`. */
function assertOneLine(r: { code: number | null; stdout: string; stderr: string }, mention: RegExp) {
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^eks-token: [^\n]+\n$/);
  assert.match(r.stderr, mention);
}

describe('the AWS CLI forms at the command line: one line per mistake, nothing from the SDK', () => {
  let dir: string;
  let files: Record<string, string>;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eks-token-awserr-'));
    files = {
      HOME: dir,
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    };
    await writeFile(
      join(dir, 'fails.sh'),
      '#!/bin/sh\necho "corp-helper: run corp-login first" >&2\necho second >&2\nexit 2\n',
    );
    await chmod(join(dir, 'fails.sh'), 0o755);
    await writeFile(
      join(dir, 'config'),
      `[profile dev]\nregion = eu-west-1\n[profile helper]\ncredential_process = ${dir}/fails.sh\n`,
    );
    await writeFile(
      join(dir, 'credentials'),
      '[dev]\naws_access_key_id = AKIDDEVPROFILE\naws_secret_access_key = devSecretKeyEXAMPLE/K7MDENG+bPxRfiCY\n',
    );
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('--profile with keys in the environment signs with the profile, and the SDK warns nothing', async () => {
    const r = await runCli(
      ['eks', 'get-token', '--cluster-name', 'c', '--profile', 'dev'],
      isolatedEnv({ ...files, ...KEYS }),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const url = new URL(decodeEksToken(JSON.parse(r.stdout).status.token) ?? '');
    assert.match(url.searchParams.get('X-Amz-Credential') ?? '', /^AKIDDEVPROFILE\//);
  });

  it('a failing credential_process: its first stderr line, in one line', async () => {
    const r = await runCli(
      ['token', '-i', 'c', '--region', 'eu-west-1', '--profile', 'helper'],
      isolatedEnv(files),
    );
    assertOneLine(r, /fails\.sh of profile helper failed: corp-helper: run corp-login first/);
  });

  it('mistakes in aws-style command lines', async () => {
    const env = isolatedEnv(KEYS);
    assertOneLine(
      await runCli(
        ['--region', 'eu-west-1', 'eks', 'get-token', '--cluster-name', 'c', '--output', 'yaml'],
        env,
      ),
      /--output yaml/,
    );
    assertOneLine(await runCli(['token', '-i', 'c', '-o', 'text'], env), /--output text/);
    assertOneLine(
      await runCli(['eks', 'get-token', '--cluster-name', 'c', '--frobnicate'], env),
      /--frobnicate/,
    );
    assertOneLine(await runCli(['--frobnicate', 'eks', 'get-token'], env), /unknown option "--frobnicate"/);
    assertOneLine(
      await runCli(['token', '-i', 'c', '-r', 'notanarn'], env),
      /"notanarn" is not an IAM role ARN/,
    );
    assertOneLine(
      await runCli(['token', '-i', 'c', '-r', 'arn:aws:iam::111122223333:role/R', '-s', 'bad name'], env),
      /--session-name "bad name"/,
    );
    assertOneLine(await runCli(['--region', 'eu-west-1'], env), /no command after --region/);
  });

  it('the aws-iam-authenticator command line with --cache', async () => {
    const r = await runCli(
      ['token', '-i', 'c', '--region', 'eu-west-1', '--cache', '--token-only'],
      isolatedEnv(KEYS),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^k8s-aws-v1\.[A-Za-z0-9_-]+\n$/);
  });
});
