import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { awsFilePaths } from '../../../src/aws/awsFilePaths.js';
import { checkProfileChain } from '../../../src/aws/checkProfileChain.js';
import { prepareProfileCredentials, renderForSdk } from '../../../src/aws/prepareProfileCredentials.js';
import { readAwsFiles } from '../../../src/aws/readAwsFiles.js';
import { readAwsProfile } from '../../../src/aws/readAwsProfile.js';
import { resolveProfileSettings } from '../../../src/aws/resolveProfileSettings.js';
import { shlexSplit } from '../../../src/aws/shlexSplit.js';
import { EksTokenError } from '../../../src/shared/EksTokenError.js';
import { MAX_AWS_FILE_BYTES } from '../../../src/shared/readRegularFile.js';

const ENV = {
  HOME: '/nonexistent',
  AWS_CONFIG_FILE: '/nonexistent/c',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/k',
};

async function chainError(
  config: string,
  profile: string,
  credentials = '',
): Promise<EksTokenError | undefined> {
  const files = readAwsFiles(ENV, { config, credentials });
  try {
    checkProfileChain(files, profile);
    return undefined;
  } catch (error) {
    assert.ok(error instanceof EksTokenError, String(error));
    return error;
  }
}

describe('checkProfileChain names where the AWS CLI stops', () => {
  it('a source_profile loop without keys, with the loop in the message', async () => {
    const error = await chainError(
      '[profile a]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::1:role/B\nsource_profile = c\n[profile c]\nrole_arn = arn:aws:iam::1:role/C\nsource_profile = b\n',
      'a',
    );
    assert.equal(error?.code, 'E_SOURCE_PROFILE_LOOP');
    assert.match(error?.message ?? '', /a -> b -> c -> b/);
  });

  it('a profile sourced from itself signs with its own keys; without them it is a loop', async () => {
    const self = '[profile s]\nrole_arn = arn:aws:iam::1:role/S\nsource_profile = s\n';
    assert.equal(
      await chainError(self, 's', '[s]\naws_access_key_id = AK\naws_secret_access_key = SK\n'),
      undefined,
    );
    assert.equal((await chainError(self, 's'))?.code, 'E_SOURCE_PROFILE_LOOP');
  });

  it('source_profile with credential_source, naming the profile and line', async () => {
    const error = await chainError(
      '[profile both]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = k\ncredential_source = Environment\n',
      'both',
      '[k]\naws_access_key_id = AK\naws_secret_access_key = SK\n',
    );
    assert.equal(error?.code, 'E_PROFILE_CONFLICT');
    assert.match(error?.message ?? '', /profile both .*line 3/);
  });

  it('a missing [sso-session], also behind a source_profile', async () => {
    const sso = '[profile sso]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = R\n';
    const direct = await chainError(sso, 'sso');
    assert.equal(direct?.code, 'E_NO_SSO_SESSION');
    assert.match(direct?.message ?? '', /profile sso names sso_session corp/);
    const chained = await chainError(
      `${sso}[profile r]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = sso\n`,
      'r',
    );
    assert.equal(chained?.code, 'E_NO_SSO_SESSION');
    assert.match(chained?.message ?? '', /profile sso \(source_profile of r\)/);
    const complete = `${sso}[sso-session corp]\nsso_start_url = https://x.awsapps.com/start\nsso_region = eu-west-1\n`;
    assert.equal(await chainError(complete, 'sso'), undefined);
  });

  it('incomplete profiles: a key id without its secret in the same section, a role without a source', async () => {
    const split = await chainError(
      '[default]\naws_secret_access_key = SK\n',
      'default',
      '[default]\naws_access_key_id = AK\n',
    );
    assert.equal(split?.code, 'E_INCOMPLETE_PROFILE');
    assert.equal(
      (await chainError('[profile r]\nrole_arn = arn:aws:iam::1:role/A\n', 'r'))?.code,
      'E_INCOMPLETE_PROFILE',
    );
    assert.equal(
      await chainError('[profile other]\nregion = x\n', 'missing'),
      undefined,
      'a missing profile is diagnosed later',
    );
  });

  it('a key whose next line is indented is a file error naming the line', async () => {
    const error = await chainError(
      '',
      'default',
      '[default]\naws_access_key_id = AK\n  aws_secret_access_key = SK\n',
    );
    assert.equal(error?.code, 'E_AWS_FILE');
    assert.match(error?.message ?? '', /line 2: .*aws_access_key_id/);
  });
});

describe('files the AWS CLI refuses', () => {
  it('name the file and line, never the text of the line', async () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    for (const credentials of [
      `[default]\ns3 =\n  ${secret}\n`,
      `[default]\n${secret}\n`,
      `aws_secret_access_key = ${secret}\n`,
      `[default]\naws_secret_access_key = ${secret}\naws_secret_access_key = ${secret}\n`,
    ]) {
      let error: EksTokenError | undefined;
      try {
        readAwsFiles(ENV, { credentials });
      } catch (e) {
        error = e as EksTokenError;
      }
      assert.equal(error?.code, 'E_AWS_FILE', credentials);
      assert.match(error?.message ?? '', /^\/nonexistent\/k line \d: /);
      assert.doesNotMatch(`${error?.message} ${error?.hint}`, /wJalr/);
    }
  });
});

describe('the SDK sees one source per profile, keys whole from one section', () => {
  it('the credentials file keys, never mixed with the config file token', async () => {
    const files = readAwsFiles(ENV, {
      config: '[default]\naws_session_token = CONFIGTOKEN\nregion = eu-west-1\n',
      credentials:
        '[default]\nAWS_ACCESS_KEY_ID: AK\naws_secret_access_key = SK\naws_security_token = OLD\naws_session_token = NEW\n',
    });
    const text = renderForSdk(files);
    assert.match(text, /aws_access_key_id = AK\n/);
    assert.match(text, /aws_session_token = OLD\n/);
    assert.doesNotMatch(text, /CONFIGTOKEN|NEW/);
  });

  it('credential_process before the config file keys, as botocore orders them', async () => {
    const files = readAwsFiles(ENV, {
      config:
        '[default]\naws_access_key_id = AK\naws_secret_access_key = SK\ncredential_process = /bin/helper\n',
    });
    const text = renderForSdk(files);
    assert.match(text, /credential_process = \/bin\/helper/);
    assert.doesNotMatch(text, /aws_access_key_id/);
  });

  it("a profile's own keys come back whole; a role profile's do not", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'eks-token-prepare-'));
    try {
      await writeFile(join(dir, 'credentials'), '[p]\naws_access_key_id = AK\naws_secret_access_key = SK\n');
      await writeFile(
        join(dir, 'config'),
        '[profile r]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = p\n',
      );
      const env = {
        HOME: dir,
        AWS_CONFIG_FILE: join(dir, 'config'),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
      };
      assert.deepEqual(await prepareProfileCredentials(env, 'p'), {
        accessKeyId: 'AK',
        secretAccessKey: 'SK',
      });
      assert.equal(await prepareProfileCredentials(env, 'r'), undefined);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('files and paths as the AWS CLI finds them', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eks-token-awsfiles-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('expands $VAR, braced variables and ~ as Python does, keeping unknown variables', () => {
    const env = {
      HOME: '/home/u/',
      TEAM: 'ops',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Python's ${VAR}, not a template
      AWS_CONFIG_FILE: '$HOME/x/${TEAM}/$NOPE',
      AWS_SHARED_CREDENTIALS_FILE: '~/k',
    };
    assert.deepEqual(awsFilePaths(env), { config: '/home/u//x/ops/$NOPE', credentials: '/home/u/k' });
    assert.deepEqual(awsFilePaths({ HOME: '/h' }), {
      config: '/h/.aws/config',
      credentials: '/h/.aws/credentials',
    });
  });

  it('refuses a file over the cap, as the daemon does', async () => {
    const big = join(dir, 'big');
    await writeFile(big, `[default]\nregion = eu-west-1\n#${'x'.repeat(MAX_AWS_FILE_BYTES)}\n`);
    const code = (() => {
      try {
        readAwsFiles({ HOME: dir, AWS_CONFIG_FILE: big });
      } catch (error) {
        return (error as EksTokenError).code;
      }
    })();
    assert.equal(code, 'E_AWS_FILE');
  });

  it('a region with a comment after it, with a note naming the line', async () => {
    await writeFile(join(dir, 'config'), '[default]\n\nregion = eu-west-1 ; prod\n');
    const env = { HOME: dir, AWS_CONFIG_FILE: join(dir, 'config') };
    const profile = readAwsProfile(env, 'default');
    assert.equal(profile.settings.region?.value, 'eu-west-1 ; prod', 'read as botocore reads it');
    const settings = await resolveProfileSettings('default', undefined, env);
    assert.equal(settings.region, 'eu-west-1');
    assert.match(
      settings.notes?.join('\n') ?? '',
      /config line 3: region eu-west-1 read without the comment/,
    );
  });

  it("shlex's words for section headers", () => {
    assert.deepEqual(shlexSplit('profile  a '), ['profile', 'a']);
    assert.deepEqual(shlexSplit('profile "a b"'), ['profile', 'a b']);
    assert.deepEqual(shlexSplit("profile 'a\\b'"), ['profile', 'a\\b']);
    assert.deepEqual(shlexSplit('profile a\\ b'), ['profile', 'a b']);
    assert.deepEqual(shlexSplit("profile ''"), ['profile', '']);
    assert.equal(shlexSplit('profile "a'), undefined);
    assert.equal(shlexSplit('profile a\\'), undefined);
  });
});
