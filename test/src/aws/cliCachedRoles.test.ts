import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { cliCachedRoles } from '../../../src/aws/cliCachedRoles.js';
import { cliCacheDir, cliCacheKey } from '../../../src/aws/readCliCache.js';
import { type StsTestServer, startStsTestServer } from '../../helpers/stsTestServer.js';

// fromIni asks for an MFA code before its roleAssumer looks at the AWS CLI cache: a cached session
// spares the prompt, and a session gone or expired by the time the roleAssumer runs gets a real code.
const ACCOUNT = '111122223333';
const HUB = `arn:aws:iam::${ACCOUNT}:role/Hub`;
const SERIAL = `arn:aws:iam::${ACCOUNT}:mfa/erin`;
const CODE = '135790';
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe('the MFA code of a role with a cached session', () => {
  let sts: StsTestServer;
  let home: string;
  let keys: { accessKeyId: string; secretAccessKey: string };
  let clock: number;
  let prompts: string[];
  before(async () => {
    sts = await startStsTestServer();
    const user = sts.addUser(ACCOUNT, 'erin');
    keys = { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey };
    sts.addRole({
      roleArn: HUB,
      trustedPrincipals: [user.arn],
      mfa: { serialNumber: SERIAL, tokenCode: CODE },
    });
    process.env.AWS_ENDPOINT_URL_STS = sts.url;
  });
  after(async () => {
    delete process.env.AWS_ENDPOINT_URL_STS;
    await sts?.close();
    rmSync(home, { recursive: true, force: true });
  });
  beforeEach(() => {
    if (home) rmSync(home, { recursive: true, force: true });
    home = mkdtempSync(join(tmpdir(), 'eks-token-mfa-later-'));
    mkdirSync(join(home, '.aws'));
    writeFileSync(
      join(home, '.aws', 'config'),
      `[profile hub]\nrole_arn = ${HUB}\nsource_profile = base\nmfa_serial = ${SERIAL}\n[profile base]\n` +
        `aws_access_key_id = ${keys.accessKeyId}\naws_secret_access_key = ${keys.secretAccessKey}\n`,
    );
    clock = Date.now();
    prompts = [];
    sts.resetCalls();
  });
  const roles = () =>
    cliCachedRoles({
      env: { HOME: home },
      profile: 'hub',
      explicitProfile: false,
      region: 'eu-west-1',
      now: () => clock,
      logger: quiet,
      mfaCodeProvider: async (serial) => {
        prompts.push(serial);
        return CODE;
      },
    });
  /** What fromIni does for the role: the code first, then the roleAssumer with it. */
  const assumeHub = async (r: Awaited<ReturnType<typeof roles>>) =>
    r.roleAssumer(keys, {
      RoleArn: HUB,
      RoleSessionName: 'aws-sdk-js-1',
      SerialNumber: SERIAL,
      TokenCode: await r.mfaCodeProvider(SERIAL),
    });
  const hubSessions = () => sts.roleSessions().filter((s) => s.roleArn === HUB);

  it('a cached session: no prompt, no STS call', async () => {
    await assumeHub(await roles());
    assert.deepEqual(prompts, [SERIAL]);
    sts.resetCalls();
    await assumeHub(await roles());
    assert.deepEqual(prompts, [SERIAL]);
    assert.equal(hubSessions().length, 0);
  });

  for (const [what, spoil] of [
    [
      'removed',
      () =>
        rmSync(
          join(cliCacheDir({ HOME: home }), `${cliCacheKey({ RoleArn: HUB, SerialNumber: SERIAL })}.json`),
        ),
    ],
    ['expired', () => (clock += 60 * 60_000)],
  ] as const) {
    it(`a session ${what} after the code was asked for: a real prompt, the real code to STS`, async () => {
      await assumeHub(await roles());
      sts.resetCalls();
      const r = await roles();
      const code = await r.mfaCodeProvider(SERIAL);
      assert.deepEqual(prompts, [SERIAL], 'not asked while the session is cached');
      spoil();
      await r.roleAssumer(keys, {
        RoleArn: HUB,
        RoleSessionName: 'x',
        SerialNumber: SERIAL,
        TokenCode: code,
      });
      assert.deepEqual(prompts, [SERIAL, SERIAL]);
      const sessions = hubSessions();
      assert.equal(sessions.length, 1, JSON.stringify(sts.roleSessions()));
      assert.equal(sessions[0]?.ok, true);
      assert.equal(sessions[0]?.tokenCode, CODE);
    });
  }
});
