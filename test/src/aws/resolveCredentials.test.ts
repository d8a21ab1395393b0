import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type CredentialRequest, resolveCredentials } from '../../../src/aws/resolveCredentials.js';
import { EksTokenError } from '../../../src/shared/EksTokenError.js';
import { type StsTestServer, startStsTestServer } from '../../helpers/stsTestServer.js';

const ACCOUNT = '111122223333';

/** The code and message resolveCredentials fails with. */
async function failure(request: Partial<CredentialRequest>): Promise<{ code: string; message: string }> {
  try {
    await resolveCredentials({
      region: 'eu-west-1',
      now: Date.now,
      mfaCodeProvider: async () => assert.fail('no MFA here'),
      env: process.env,
      ...request,
    });
  } catch (error) {
    assert.ok(error instanceof EksTokenError, String(error));
    return { code: error.code, message: error.message };
  }
  return assert.fail('expected a failure');
}

describe('a credential failure names its cause, with its own code', () => {
  let dir: string;
  let sts: StsTestServer;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eks-token-credfail-'));
    sts = await startStsTestServer();
    // The SDK reads these from process.env; this file runs in its own process.
    Object.assign(process.env, {
      HOME: dir,
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    for (const name of ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'])
      delete process.env[name];
    const script = (body: string) => `#!/bin/sh\n${body}\n`;
    await writeFile(
      join(dir, 'garbage.sh'),
      script('echo "not json AKIDLEAKED wJalrXUtnFEMI/K7MDENG/bPxRfiCYLEAKEDKEY"'),
    );
    await writeFile(
      join(dir, 'fails.sh'),
      script('echo "corp-helper: session expired, run corp-login" >&2\necho "second line" >&2\nexit 3'),
    );
    await writeFile(join(dir, 'plain.sh'), script('echo hi'));
    await chmod(join(dir, 'garbage.sh'), 0o755);
    await chmod(join(dir, 'fails.sh'), 0o755);
    await chmod(join(dir, 'plain.sh'), 0o644);
    await writeFile(
      join(dir, 'config'),
      [
        `[profile missing-helper]\ncredential_process = ${dir}/nope --flag`,
        `[profile bare-helper]\ncredential_process = no-such-helper-anywhere`,
        `[profile not-executable]\ncredential_process = ${dir}/plain.sh`,
        `[profile garbage]\ncredential_process = "${dir}/garbage.sh"`,
        `[profile fails]\ncredential_process = ${dir}/fails.sh --profile x`,
        '[profile chained]\nrole_arn = arn:aws:iam::111122223333:role/R\nsource_profile = ghost',
        '',
      ].join('\n'),
    );
    await writeFile(join(dir, 'credentials'), '');
  });
  after(async () => {
    await sts?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const viaProfile = (profile: string) => failure({ profile, profileInEffect: profile });

  it('a credential_process that is not there', async () => {
    const f = await viaProfile('missing-helper');
    assert.equal(f.code, 'E_CREDENTIAL_PROCESS_NOT_FOUND');
    assert.match(f.message, new RegExp(`${dir}/nope of profile missing-helper: not found`));
    assert.equal((await viaProfile('bare-helper')).code, 'E_CREDENTIAL_PROCESS_NOT_FOUND');
  });

  it('a credential_process that is not executable', async () => {
    assert.equal((await viaProfile('not-executable')).code, 'E_CREDENTIAL_PROCESS_NOT_EXECUTABLE');
  });

  it('a credential_process that prints no JSON, without repeating what it printed', async () => {
    const f = await viaProfile('garbage');
    assert.equal(f.code, 'E_CREDENTIAL_PROCESS_NO_JSON');
    assert.doesNotMatch(f.message, /LEAKED|not json/);
  });

  it("a failing credential_process, with the helper's first stderr line", async () => {
    const f = await viaProfile('fails');
    assert.equal(f.code, 'E_CREDENTIAL_PROCESS_FAILED');
    assert.match(f.message, /: corp-helper: session expired, run corp-login$/);
  });

  it('a profile that does not exist, naming the files searched', async () => {
    const f = await viaProfile('nosuch');
    assert.equal(f.code, 'E_PROFILE_NOT_FOUND');
    assert.ok(
      f.message.includes(join(dir, 'config')) && f.message.includes(join(dir, 'credentials')),
      f.message,
    );
    // AWS_PROFILE names a profile as surely as --profile does.
    const viaEnv = await failure({
      profileInEffect: 'nosuch',
      env: { ...process.env, AWS_PROFILE: 'nosuch' },
    });
    assert.equal(viaEnv.code, 'E_PROFILE_NOT_FOUND');
    const chained = await viaProfile('chained');
    assert.equal(chained.code, 'E_PROFILE_NOT_FOUND');
    assert.match(chained.message, /source_profile ghost/);
  });

  it('STS out of reach, naming the host, apart from a role that refuses', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const user = sts.addUser(ACCOUNT, 'dana');
    const keys = { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey };
    process.env.AWS_ENDPOINT_URL_STS = `http://127.0.0.1:${port}`;
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/Locked`;
    const unreachable = await failure({ baseCredentials: keys, roleArn, stsHost: `127.0.0.1:${port}` });
    assert.equal(unreachable.code, 'E_STS_UNREACHABLE');
    assert.match(unreachable.message, new RegExp(`could not reach STS at 127\\.0\\.0\\.1:${port}`));
    process.env.AWS_ENDPOINT_URL_STS = sts.url;
    sts.addRole({ roleArn, trustedPrincipals: [`arn:aws:iam::${ACCOUNT}:user/someone-else`] });
    const denied = await failure({ baseCredentials: keys, roleArn, stsHost: new URL(sts.url).host });
    assert.equal(denied.code, 'E_ASSUME_ROLE');
    assert.match(denied.message, new RegExp(`^AccessDenied assuming ${roleArn}`));
    delete process.env.AWS_ENDPOINT_URL_STS;
  });
});
