import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { callerIdentity, credentialSourceKey } from '../../daemon/callerIdentity.js';
import { NOISE_ENV } from '../../daemon/noiseEnv.js';
import { EksTokenError } from '../../src/shared/EksTokenError.js';
import { MAX_AWS_FILE_BYTES } from '../../src/shared/readRegularFile.js';
import { errorCodeOf } from '../helpers/errorCode.js';

const home = mkdtempSync(join(tmpdir(), 'eks-token-identity-'));
after(() => rmSync(home, { recursive: true, force: true }));
mkdirSync(join(home, '.aws'));
writeFileSync(
  join(home, '.aws', 'config'),
  [
    '[profile base]\ncredential_process = /opt/bin/creds --account dev',
    '[profile chained]\nrole_arn = arn:aws:iam::111122223333:role/admin\nsource_profile = base',
    '[profile admin]\nrole_arn = arn:aws:iam::111122223333:role/admin\nsource_profile = keys',
    '[profile sso]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev',
    '[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1',
    '[profile web]\nrole_arn = arn:aws:iam::111122223333:role/ci\nweb_identity_token_file = token',
    '',
  ].join('\n'),
);
writeFileSync(
  join(home, '.aws', 'credentials'),
  '[keys]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = SECRETEXAMPLE\n',
);

const base = { HOME: home, PATH: '/usr/bin:/bin', USER: 'dev' };
const hashOf = (profile: string, env: Record<string, string>, cwd = '/srv') =>
  callerIdentity(profile, { ...base, ...env }, cwd).hash;

test('a chain without credential_process: only AWS_*, transport and trust variables and HOME count', () => {
  const plain = hashOf('admin', {});
  assert.equal(callerIdentity('admin', base, '/').kind, 'aws-files');
  const unrelated: Array<Record<string, string>> = [
    { PATH: '/home/dev/.venv/bin:/usr/bin:/bin' },
    { SSH_AUTH_SOCK: '/tmp/ssh-x/agent.1', DIRENV_DIFF: 'eJy', VIRTUAL_ENV: '/v', TERMINAL_ACCOUNT: 'x' },
  ];
  for (const env of unrelated) assert.equal(hashOf('admin', env), plain, JSON.stringify(env));
  assert.equal(hashOf('admin', {}, '/elsewhere'), plain, 'the directory does not count');
  const deciding: Array<Record<string, string>> = [
    { HTTPS_PROXY: 'http://proxy:3128' },
    { https_proxy: 'http://proxy:3128' },
    { NO_PROXY: 'sts.amazonaws.com' },
    { NODE_EXTRA_CA_CERTS: '/etc/ca.pem' },
    { EKS_TOKEN_EXTRA_CA_CERTS: '/etc/ca.pem' },
    { NODE_TLS_REJECT_UNAUTHORIZED: '0' },
    { SSL_CERT_FILE: '/etc/ca.pem' },
    { AWS_STS_REGIONAL_ENDPOINTS: 'legacy' },
    { HOME: join(home, 'other') },
  ];
  for (const env of deciding) assert.notEqual(hashOf('admin', env), plain, JSON.stringify(env));
});

test('a chain that reaches a credential_process: every variable but exact noise names, and the directory', () => {
  assert.equal(callerIdentity('chained', base, '/').kind, 'credential-process');
  const plain = hashOf('chained', {});
  for (const name of ['TERMINAL_ACCOUNT', 'TERM_X', 'PATH', 'DIRENV_DIR', 'VAULT_ADDR'])
    assert.notEqual(hashOf('chained', { [name]: 'v' }), plain, name);
  for (const name of ['TERM', 'TERM_PROGRAM', 'SSH_AUTH_SOCK', 'STARSHIP_SESSION_KEY', 'PWD', 'SHLVL'])
    assert.equal(hashOf('chained', { [name]: 'v' }), plain, name);
  assert.ok(!NOISE_ENV.has('TERMINAL_ACCOUNT'));
  assert.notEqual(hashOf('chained', {}, '/elsewhere'), plain, 'the directory counts');
  assert.equal(
    errorCodeOf(() => callerIdentity('chained', base, undefined)),
    'E_NOT_FOR_DAEMON',
  );
});

test('the files a source reads are stamped: SSO token cache, web identity token (relative: from the directory)', () => {
  const sso = callerIdentity('sso', base, '/');
  const cacheFile = createHash('sha1').update('corp').digest('hex');
  assert.ok(sso.files.includes(join(home, '.aws', 'sso', 'cache', `${cacheFile}.json`)), sso.files.join());
  const web = callerIdentity('web', base, '/srv/ci');
  assert.ok(web.files.includes('/srv/ci/token'), web.files.join());
  assert.equal(
    errorCodeOf(() => callerIdentity('web', base, undefined)),
    'E_NOT_FOR_DAEMON',
  );
  assert.equal(
    errorCodeOf(() => callerIdentity('admin', { ...base, AWS_CONFIG_FILE: 'rel/config' }, undefined)),
    'E_NOT_FOR_DAEMON',
  );
  assert.equal(
    callerIdentity(undefined, { ...base, AWS_ACCESS_KEY_ID: 'A', AWS_SECRET_ACCESS_KEY: 'S' }, undefined)
      .kind,
    'environment-keys',
  );
});

test('the source is the one the plugin reads: as botocore parses the files and picks among sources', () => {
  const dir = mkdtempSync(join(home, 'files-'));
  const kindOf = (config: string, credentials = '') => {
    writeFileSync(join(dir, 'config'), config);
    writeFileSync(join(dir, 'credentials'), credentials);
    const env = {
      ...base,
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    };
    return callerIdentity('p', env, '/').kind;
  };
  // configparser's ':' delimiter, names in any case, [DEFAULT] inherited, `[profile  p ]`.
  assert.equal(kindOf('[profile p]\ncredential_process: /opt/bin/creds\n'), 'credential-process');
  assert.equal(kindOf('[profile p]\nCredential_Process = /opt/bin/creds\n'), 'credential-process');
  assert.equal(
    kindOf('[DEFAULT]\ncredential_process = /opt/bin/creds\n[profile  p ]\nregion = eu-west-1\n'),
    'credential-process',
  );
  // The credentials file's keys come before a credential_process: botocore never runs it.
  assert.equal(
    kindOf(
      '[profile p]\ncredential_process = /opt/bin/creds\n',
      '[p]\naws_access_key_id = A\naws_secret_access_key = S\n',
    ),
    'aws-files',
  );
  // A source_profile with keys uses them, not the role or the helper after them.
  assert.equal(
    kindOf(
      '[profile p]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = k\n[profile k]\ncredential_process = /opt/bin/creds\n',
      '[k]\naws_access_key_id = A\naws_secret_access_key = S\n',
    ),
    'aws-files',
  );
});

test('a chain the plugin refuses, or a file aws refuses or over the cap, is left to the plugin to report', () => {
  const dir = mkdtempSync(join(home, 'bad-'));
  const reasonOf = (config: string) => {
    writeFileSync(join(dir, 'config'), config);
    const env = { ...base, AWS_CONFIG_FILE: join(dir, 'config') };
    try {
      callerIdentity('p', env, '/');
    } catch (error) {
      assert.ok(error instanceof EksTokenError && error.code === 'E_NOT_FOR_DAEMON', String(error));
      return (error as { reason?: string }).reason;
    }
    return 'served';
  };
  const loop =
    '[profile p]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = q\n[profile q]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = p\n';
  assert.equal(reasonOf(loop), 'plugin-reports-error');
  assert.equal(reasonOf('[profile p]\nregion = eu-west-1\nregion = eu-west-2\n'), 'aws-file');
  assert.equal(reasonOf(`[profile p]\nregion = eu-west-1\n#${'x'.repeat(MAX_AWS_FILE_BYTES)}\n`), 'aws-file');
  assert.equal(reasonOf('[profile p]\nregion = eu-west-1\n'), 'served');
});

test('credentialSourceKey: the identity and the role, never the cluster', () => {
  const resolved = {
    clusterId: 'eks-a',
    clusterName: 'eks-a',
    region: 'eu-west-1',
    endpoint: { host: 'sts.eu-west-1.amazonaws.com' },
  };
  const identity = callerIdentity('admin', base, '/');
  const key = credentialSourceKey(resolved, identity);
  assert.equal(credentialSourceKey({ ...resolved, clusterId: 'eks-b' }, identity), key);
  assert.notEqual(credentialSourceKey({ ...resolved, roleArn: 'arn:aws:iam::1:role/x' }, identity), key);
  assert.notEqual(
    credentialSourceKey(resolved, callerIdentity('admin', { ...base, HTTPS_PROXY: 'http://p' }, '/')),
    key,
  );
});
