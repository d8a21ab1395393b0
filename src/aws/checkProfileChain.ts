import { EksTokenError } from '../shared/EksTokenError.js';
import { type AwsFiles, fileError } from './readAwsFiles.js';
import { type AwsProfile, plainValue, profileNames, profileOf } from './readAwsProfile.js';

/** The credential source botocore takes for a profile. */
export type SourceKind = 'role' | 'web-identity' | 'sso' | 'keys' | 'process' | 'none';

// Spelled exactly so: botocore's is_supported and the SDK's map both compare case-sensitively.
const CREDENTIAL_SOURCES = ['Environment', 'Ec2InstanceMetadata', 'EcsContainer'];
const SSO_SETTINGS = ['sso_start_url', 'sso_region', 'sso_account_id', 'sso_role_name'];

/**
 * botocore's choice for a profile: the one named assumes its role first (unless it has a web identity
 * token file); a source_profile with keys uses its own chain (web identity, SSO, the credentials
 * file's keys, credential_process, the config file's keys), as does any profile without a role.
 */
export function sourceKind(profile: AwsProfile, asSource: boolean): SourceKind {
  const s = profile.settings;
  const hasStatic = 'aws_access_key_id' in s || 'aws_secret_access_key' in s;
  if ('role_arn' in s && !('web_identity_token_file' in s) && !(asSource && hasStatic)) return 'role';
  if (plainValue(s.web_identity_token_file)) return 'web-identity';
  if ('sso_role_name' in s || 'sso_account_id' in s) return 'sso';
  if (profile.keys?.from === 'credentials') return 'keys';
  if ('credential_process' in s) return 'process';
  return profile.keys ? 'keys' : 'none';
}

/** One profile of a chain and the source botocore takes from it. */
export interface ChainLink {
  profile: AwsProfile;
  kind: SourceKind;
}

/**
 * Walks the profile's chain as botocore does and throws where the AWS CLI stops, naming the profiles:
 * a source_profile loop, source_profile with credential_source, a missing [sso-session], a missing
 * or incomplete setting. Returns the chain, the named profile first and the one that supplies the
 * credentials last; empty for a profile in neither file, which is not checked here.
 */
export function checkProfileChain(files: AwsFiles, name: string): ChainLink[] {
  const names = profileNames(files);
  const links: ChainLink[] = [];
  if (!names.has(name)) return links;
  const visited = [name];
  let current = name;
  for (let asSource = false; ; asSource = true) {
    const profile = profileOf(files, current);
    const s = profile.settings;
    const kind = sourceKind(profile, asSource);
    links.push({ profile, kind });
    const of = current === name ? `profile ${name}` : `profile ${current} (source_profile of ${name})`;
    if (kind === 'keys') checkKeys(profile, of);
    if (kind === 'sso') checkSso(files, profile, of);
    if (kind === 'web-identity' && !('role_arn' in s))
      throw incomplete(`${of} has web_identity_token_file but no role_arn`, 'add role_arn');
    if (kind === 'none' && asSource)
      throw incomplete(`${of} has no credentials`, 'give it keys, a role, SSO or a credential_process');
    if (kind !== 'role') return links;
    const source = plainValue(s.source_profile);
    const credentialSource = plainValue(s.credential_source);
    if (source !== undefined && credentialSource !== undefined)
      throw new EksTokenError(
        'E_PROFILE_CONFLICT',
        `${of} has both source_profile and credential_source (${s.source_profile?.file} line ${s.source_profile?.line})`,
        'keep one of them',
      );
    if (credentialSource !== undefined) {
      if (CREDENTIAL_SOURCES.includes(credentialSource)) return links;
      throw incomplete(
        `credential_source ${JSON.stringify(credentialSource)} of ${of} is not a credential source`,
        'use Environment, Ec2InstanceMetadata or EcsContainer',
      );
    }
    if (source === undefined)
      throw incomplete(`${of} has role_arn but neither source_profile nor credential_source`, 'add one');
    if (!names.has(source))
      throw new EksTokenError(
        'E_PROFILE_NOT_FOUND',
        `source_profile ${source} (of profile ${current}) is in neither ${files.config.path} nor ${files.credentials.path}`,
        'check the name (aws configure list-profiles)',
      );
    const sourceSettings = profileOf(files, source).settings;
    const sourceHasStatic =
      'aws_access_key_id' in sourceSettings || 'aws_secret_access_key' in sourceSettings;
    if (visited.includes(source) && (source !== current || !sourceHasStatic))
      throw new EksTokenError(
        'E_SOURCE_PROFILE_LOOP',
        `source_profile loop: ${[...visited, source].join(' -> ')}`,
        'end the chain at a profile with keys, SSO, a credential_process or a credential_source',
      );
    if (!visited.includes(source)) visited.push(source);
    current = source;
  }
}

function checkKeys(profile: AwsProfile, of: string): void {
  const keys = profile.keys;
  if (!keys) return;
  const named = [
    ['aws_access_key_id', keys.accessKeyId],
    ['aws_secret_access_key', keys.secretAccessKey],
    ['the session token', keys.sessionToken],
  ] as const;
  for (const [name, setting] of named) {
    if (typeof setting?.value !== 'string' || !setting.value.includes('\n')) continue;
    throw fileError(setting.file, setting.line, `an indented line below continues the value of ${name}`);
  }
  if (!keys.secretAccessKey)
    throw incomplete(
      `${of} has aws_access_key_id but no aws_secret_access_key in the same section (${keys.accessKeyId.file} line ${keys.accessKeyId.line})`,
      'put both keys in one section',
    );
}

function checkSso(files: AwsFiles, profile: AwsProfile, of: string): void {
  const s = profile.settings;
  const merged: Record<string, string | undefined> = {};
  for (const name of SSO_SETTINGS) merged[name] = plainValue(s[name]);
  const sessionName = plainValue(s.sso_session);
  if (sessionName !== undefined) {
    const session = files.config.ssoSessions.get(sessionName);
    if (!session)
      throw new EksTokenError(
        'E_NO_SSO_SESSION',
        `${of} names sso_session ${sessionName}, but ${files.config.path} has no [sso-session ${sessionName}] section`,
        'add the section (aws configure sso-session), or fix the name',
      );
    for (const [name, setting] of Object.entries(session)) {
      const value = plainValue(setting);
      if (merged[name] !== undefined && merged[name] !== value)
        throw new EksTokenError(
          'E_PROFILE_CONFLICT',
          `${name} differs between ${of} and [sso-session ${sessionName}]`,
          'keep it in the sso-session section only',
        );
      merged[name] = value;
    }
  }
  const missing = SSO_SETTINGS.filter((n) => merged[n] === undefined);
  if (missing.length)
    throw incomplete(`${of} uses SSO but lacks ${missing.join(', ')}`, 'run aws configure sso');
}

function incomplete(message: string, hint: string): EksTokenError {
  return new EksTokenError('E_INCOMPLETE_PROFILE', message, hint);
}
