import { homedir } from 'node:os';
import { join } from 'node:path';
import { externalDataInterceptor } from '@smithy/shared-ini-file-loader';
import type { AwsCredentials } from './AwsCredentials.js';
import { checkProfileChain, sourceKind } from './checkProfileChain.js';
import { type AwsFiles, type AwsSection, type AwsSetting, readAwsFiles } from './readAwsFiles.js';
import { type AwsProfile, plainValue, profileNames, profileOf } from './readAwsProfile.js';

type Env = Record<string, string | undefined>;

// The settings that choose and feed a credential source; every other setting is passed on as it is.
const BY_KIND: Record<string, string[]> = {
  role: ['role_arn', 'source_profile', 'credential_source', 'external_id', 'mfa_serial', 'duration_seconds'],
  'web-identity': ['web_identity_token_file', 'role_arn'],
  sso: [
    'sso_session',
    'sso_start_url',
    'sso_region',
    'sso_account_id',
    'sso_role_name',
    'sso_registration_scopes',
  ],
  process: ['credential_process'],
  keys: [],
  none: [],
};
const KEYS = ['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token', 'aws_security_token'];
const SOURCE_SETTINGS = new Set([...Object.values(BY_KIND).flat(), ...KEYS]);
// What the SDK's ini parser reads as a profile name, and a value it would cut short or drop.
const SDK_NAME = /^[\w\-@+.%:/]+$/;
const SDK_UNSAFE_VALUE = /(^|\s)[;#]|\n|^$/;

/**
 * Reads the AWS files as botocore does and checks the profile's chain; returns the profile's keys when
 * botocore would sign with keys of its own (whole from one section). For every other source (roles,
 * SSO, credential_process, web identity) the AWS SDK's ini loader gets, instead of the files' text, a
 * rendering of what botocore reads: each profile with the settings of the one source botocore takes.
 */
export async function prepareProfileCredentials(
  env: Env,
  profile: string,
): Promise<AwsCredentials | undefined> {
  const files = readAwsFiles(env);
  checkProfileChain(files, profile);
  const rendering = renderForSdk(files);
  // The SDK finds the files through process.env; the caller's env may name others: both see the rendering.
  for (const from of new Set([env, process.env])) {
    externalDataInterceptor.interceptFile(sdkPath(from, 'AWS_CONFIG_FILE', 'config'), rendering);
    externalDataInterceptor.interceptFile(sdkPath(from, 'AWS_SHARED_CREDENTIALS_FILE', 'credentials'), '');
  }
  const own = profileOf(files, profile);
  const { keys } = own;
  if (!keys || sourceKind(own, false) !== 'keys') return undefined;
  const accessKeyId = plainValue(keys.accessKeyId) ?? '';
  const secretAccessKey = plainValue(keys.secretAccessKey) ?? '';
  const sessionToken = plainValue(keys.sessionToken);
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

/** The files' profiles, sso-sessions and services as one config file the SDK's ini parser reads right. */
export function renderForSdk(files: AwsFiles): string {
  const out: string[] = [];
  for (const name of profileNames(files)) {
    if (!SDK_NAME.test(name)) continue;
    out.push(name === 'default' ? '[default]' : `[profile ${name}]`, ...profileLines(profileOf(files, name)));
  }
  for (const [name, section] of files.config.ssoSessions)
    if (SDK_NAME.test(name)) out.push(`[sso-session ${name}]`, ...sectionLines(section));
  for (const [name, section] of files.config.services)
    if (SDK_NAME.test(name)) out.push(`[services ${name}]`, ...sectionLines(section));
  return `${out.join('\n')}\n`;
}

function profileLines(profile: AwsProfile): string[] {
  const kinds = new Set([sourceKind(profile, false), sourceKind(profile, true)]);
  const chosen: AwsSection = {};
  for (const [name, setting] of Object.entries(profile.settings))
    if (!SOURCE_SETTINGS.has(name) || [...kinds].some((k) => BY_KIND[k]?.includes(name)))
      chosen[name] = setting;
  if (profile.keys && kinds.has('keys')) {
    chosen.aws_access_key_id = profile.keys.accessKeyId;
    if (profile.keys.secretAccessKey) chosen.aws_secret_access_key = profile.keys.secretAccessKey;
    if (profile.keys.sessionToken) chosen.aws_session_token = profile.keys.sessionToken;
  }
  return sectionLines(chosen);
}

function sectionLines(section: AwsSection): string[] {
  const lines: string[] = [];
  for (const [name, setting] of Object.entries(section)) lines.push(...settingLines(name, setting));
  return lines;
}

function settingLines(name: string, setting: AwsSetting): string[] {
  if (typeof setting.value === 'string')
    return SDK_UNSAFE_VALUE.test(setting.value) ? [] : [`${name} = ${setting.value}`];
  const nested = Object.entries(setting.value).filter(
    ([k, v]) => !SDK_UNSAFE_VALUE.test(v) && !/[=\s]/.test(k),
  );
  return nested.length ? [`${name} =`, ...nested.map(([k, v]) => `  ${k} = ${v}`)] : [];
}

// The path the SDK's ini loader reads (@smithy/core's getConfigFilepath and its `~/` expansion).
function sdkPath(env: Env, variable: string, file: string): string {
  const home =
    env.HOME || env.USERPROFILE || (env.HOMEPATH ? `${env.HOMEDRIVE ?? 'C:/'}${env.HOMEPATH}` : homedir());
  const path = env[variable] || join(home, '.aws', file);
  return path.startsWith('~/') ? join(home, path.slice(2)) : path;
}
