import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hasCommand } from '../helpers/hasCommand.js';
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
      join(dir, 'v2.sh'),
      '#!/bin/sh\necho \'{"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "B"}\'\n',
    );
    await chmod(join(dir, 'v2.sh'), 0o755);
    await writeFile(
      join(dir, 'config'),
      [
        '[profile dev]\nregion = eu-west-1',
        `[profile helper]\ncredential_process = ${dir}/fails.sh`,
        `[profile v2]\ncredential_process = ${dir}/v2.sh`,
        '[profile deploy]\nrole_arn = arn:aws:iam::111122223333:role/deploy\ncredential_source = Environment\n',
      ].join('\n'),
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

  it("a helper's own sentence, without its full stop before the hint", async () => {
    const r = await runCli(
      ['token', '-i', 'c', '--region', 'eu-west-1', '--profile', 'v2'],
      isolatedEnv(files),
    );
    assertOneLine(r, /v2\.sh of profile v2 did not return Version 1: run the helper/);
    assert.doesNotMatch(r.stderr, /\.:/);
  });

  it('a missing profile and no region anywhere: the missing profile, alone', async () => {
    const r = await runCli(['token', '-i', 'demo', '--profile', 'nope'], isolatedEnv(files));
    assertOneLine(r, /^eks-token: profile nope is in neither /);
    // With credentials, the region eks-token chose is still noted.
    const signed = await runCli(['token', '-i', 'demo', '--token-only'], isolatedEnv(KEYS));
    assert.equal(signed.code, 0, signed.stderr);
    assert.match(signed.stderr, /^eks-token: note: no region set .* using us-east-1\n$/);
  });

  it('a credential_source with nothing in it is named as aws names it', async () => {
    const argv = ['eks', 'get-token', '--cluster-name', 'c', '--region', 'eu-west-1', '--profile', 'deploy'];
    const r = await runCli(argv, isolatedEnv(files));
    assertOneLine(
      r,
      /no credentials found in credential_source Environment referenced in profile deploy: export AWS_ACCESS_KEY_ID/,
    );
    if (!hasCommand('aws')) return;
    const aws = spawnSync('aws', argv, {
      env: { ...isolatedEnv(files), PATH: process.env.PATH },
      encoding: 'utf8',
    });
    assert.notEqual(aws.status, 0);
    assert.match(aws.stderr, /No credentials found in credential_source referenced in profile deploy/);
  });

  it('a well-formed region AWS does not have: signed, with one note', async () => {
    const unknown = await runCli(
      ['token', '-i', 'c', '--region', 'eu-west-9', '--token-only'],
      isolatedEnv(KEYS),
    );
    assert.equal(unknown.code, 0, unknown.stderr);
    assert.match(
      unknown.stderr,
      /^eks-token: note: region eu-west-9 \(from --region\) is not a known AWS region; signing for it anyway[^\n]*\n$/,
    );
    const url = new URL(decodeEksToken(unknown.stdout.trim()) ?? '');
    assert.equal(url.host, 'sts.eu-west-9.amazonaws.com');
    for (const region of ['eu-west-1', 'ap-southeast-7', 'cn-north-1', 'us-gov-west-1']) {
      const known = await runCli(['token', '-i', 'c', '--region', region, '--token-only'], isolatedEnv(KEYS));
      assert.equal(known.code, 0, known.stderr);
      assert.equal(known.stderr, '', region);
    }
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
