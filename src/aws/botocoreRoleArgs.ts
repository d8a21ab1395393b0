// How botocore (aws CLI v1) names role sessions and which arguments key its cache files
// (credentials.py: AssumeRoleProvider, AssumeRoleWithWebIdentityProvider, BaseAssumeRoleCredentialFetcher).
import type { CacheKeyArgs } from './cliCredentialCache.js';
import type { ProfileSettings } from './readProfileSettings.js';

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
