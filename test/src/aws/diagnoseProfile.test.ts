import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { diagnoseProfile } from '../../../src/aws/diagnoseProfile.js';

// diagnoseProfile looks at the source botocore takes (checkProfileChain's), not at any setting of the chain.
describe('diagnoseProfile names the cause in the source botocore takes', () => {
  let dir: string;
  let env: Record<string, string>;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eks-token-diagnose-'));
    env = {
      HOME: dir,
      PATH: '/usr/bin:/bin',
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    };
    await writeFile(
      join(dir, 'config'),
      [
        // botocore assumes the role over k's keys: the helper beside the role never runs.
        `[profile role]\nrole_arn = arn:aws:iam::1:role/R\nsource_profile = k\ncredential_process = ${dir}/never`,
        `[profile escaped]\ncredential_process = ${dir}/my\\ helper --flag`,
        '',
      ].join('\n'),
    );
    await writeFile(join(dir, 'credentials'), '[k]\naws_access_key_id = AK\naws_secret_access_key = SK\n');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const diagnose = (profile: string) => diagnoseProfile(profile, { explicit: true, env, sdkMessages: [] });

  it('not a credential_process botocore never runs', async () => {
    assert.equal(await diagnose('role'), undefined);
  });

  it("the helper's program as shlex splits the command line", async () => {
    const error = await diagnose('escaped');
    assert.equal(error?.code, 'E_CREDENTIAL_PROCESS_NOT_FOUND');
    assert.match(error?.message ?? '', /credential_process \S+\/my helper of profile escaped: not found/);
  });

  it('a named profile in neither file', async () => {
    assert.equal((await diagnose('ghost'))?.code, 'E_PROFILE_NOT_FOUND');
  });
});
