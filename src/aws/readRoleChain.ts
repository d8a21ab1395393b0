// How botocore (aws CLI v1) names role sessions and which arguments key its cache files
// (credentials.py: AssumeRoleProvider, AssumeRoleWithWebIdentityProvider, BaseAssumeRoleCredentialFetcher).
import type { CacheKeyArgs } from './readCliCache.js';
import { type ProfileSettings, readProfileSettings } from './readProfileSettings.js';

type Env = Record<string, string | undefined>;

/** botocore's name for a role session nobody named: `botocore-session-<unix seconds>`. */
export function botocoreSessionName(now: number): string {
  return `botocore-session-${Math.floor(now / 1000)}`;
}

/** True for a profile botocore's AssumeRoleProvider takes: role_arn without web_identity_token_file. */
export function isAssumeRoleProfile(settings: ProfileSettings | undefined): settings is ProfileSettings {
  return (
    settings?.role_arn !== undefined &&
    settings.web_identity_token_file === undefined &&
    (settings.source_profile !== undefined || settings.credential_source !== undefined)
  );
}

/**
 * The AssumeRole arguments botocore hashes for a role profile: RoleArn, and RoleSessionName,
 * ExternalId, SerialNumber, DurationSeconds when the profile sets them (a generated session name is
 * left out, so the file outlives the name).
 */
export function assumeRoleKeyArgs(settings: ProfileSettings): CacheKeyArgs {
  const args: CacheKeyArgs = { RoleArn: settings.role_arn ?? '' };
  if (settings.role_session_name) args.RoleSessionName = settings.role_session_name;
  if (settings.external_id !== undefined) args.ExternalId = settings.external_id;
  if (settings.mfa_serial !== undefined) args.SerialNumber = settings.mfa_serial;
  const duration = pythonInt(settings.duration_seconds);
  if (duration !== undefined) args.DurationSeconds = duration;
  return args;
}

/** The AssumeRoleWithWebIdentity arguments botocore hashes: RoleArn, and RoleSessionName when set. */
export function webIdentityKeyArgs(roleArn: string, sessionName: string | undefined): CacheKeyArgs {
  return sessionName ? { RoleArn: roleArn, RoleSessionName: sessionName } : { RoleArn: roleArn };
}

// Python's int() of a config string; botocore drops a duration it cannot read.
function pythonInt(text: string | undefined): number | undefined {
  if (text === undefined || !/^\s*[+-]?\d+(_\d+)*\s*$/.test(text)) return undefined;
  const value = Number(text.replace(/_/g, ''));
  return Number.isSafeInteger(value) ? value : undefined;
}

/** The profile in effect, its role profiles down the source_profile links, and every session name set. */
export interface RoleChain {
  top: ProfileSettings | undefined;
  /** Role profiles from the top down, as the SDK walks them (a source with keys of its own ends it). */
  steps: ProfileSettings[];
  /** role_session_name of each profile visited, and AWS_ROLE_SESSION_NAME. */
  sessionNames: Set<string>;
}

/** Reads the chain from `profile` down (at most 10 links; a loop ends it). */
export async function readRoleChain(env: Env, profile: string): Promise<RoleChain> {
  const top = await readProfileSettings(env, profile);
  const steps: ProfileSettings[] = [];
  const names = [env.AWS_ROLE_SESSION_NAME, top?.role_session_name];
  const seen = new Set<string>([profile]);
  let settings = top;
  while (isAssumeRoleProfile(settings) && steps.length < 10) {
    steps.push(settings);
    const next = settings.source_profile;
    if (next === undefined || seen.has(next)) break;
    seen.add(next);
    settings = await readProfileSettings(env, next);
    names.push(settings?.role_session_name);
    if (settings?.aws_access_key_id !== undefined) break;
  }
  return { top, steps, sessionNames: new Set(names.filter((n): n is string => !!n)) };
}

/**
 * botocore's top-level AssumeRoleWithWebIdentityProvider: each setting from the environment first
 * (unless --profile was given), then from the profile in effect.
 */
export function topWebIdentity(
  env: Env,
  top: ProfileSettings | undefined,
  explicitProfile: boolean,
): { roleArn: string; tokenFile: string; sessionName: string | undefined } | undefined {
  const pick = (envName: string, key: string) => (!explicitProfile ? env[envName] : undefined) ?? top?.[key];
  const roleArn = pick('AWS_ROLE_ARN', 'role_arn');
  const tokenFile = pick('AWS_WEB_IDENTITY_TOKEN_FILE', 'web_identity_token_file');
  if (!tokenFile || !roleArn) return undefined;
  return { roleArn, tokenFile, sessionName: pick('AWS_ROLE_SESSION_NAME', 'role_session_name') || undefined };
}
