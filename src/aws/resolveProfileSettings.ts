import { plainValue, readAwsProfile } from './readAwsProfile.js';
import type { EndpointOptions } from './resolveStsEndpoint.js';

/** Settings of the active profile that decide where the token points. */
export interface ProfileSettings {
  region?: string;
  endpointOptions: EndpointOptions;
  /** What the AWS files' reader read differently from the AWS CLI on purpose, for a note on stderr. */
  notes?: string[];
}

type Env = Record<string, string | undefined>;

/** The profile eks-token acts as, as the AWS CLI picks it: --profile, AWS_DEFAULT_PROFILE, AWS_PROFILE, `default`. */
export function resolveProfileName(flag: string | undefined, env: Env): string {
  return flag || env.AWS_DEFAULT_PROFILE || env.AWS_PROFILE || 'default';
}

/**
 * Reads region and endpoint switches from the environment, falling back to the profile in the AWS
 * files as the AWS CLI reads them (the credentials file's setting over the config file's).
 */
export async function resolveProfileSettings(
  profile: string,
  regionFlag: string | undefined,
  env: Env,
): Promise<ProfileSettings & { regionSource: string }> {
  const { settings, notes: fileNotes } = readAwsProfile(env, profile);
  const notes = [...fileNotes];
  const config = (name: string) => plainValue(settings[name]);
  const pick = (envName: string, iniName: string): string | undefined => env[envName] || config(iniName);
  const endpointOptions: EndpointOptions = {
    useFips: isTrue(pick('AWS_USE_FIPS_ENDPOINT', 'use_fips_endpoint')),
    useDualStack: isTrue(pick('AWS_USE_DUALSTACK_ENDPOINT', 'use_dualstack_endpoint')),
    stsRegionalEndpoints:
      pick('AWS_STS_REGIONAL_ENDPOINTS', 'sts_regional_endpoints')?.toLowerCase() === 'legacy'
        ? 'legacy'
        : 'regional',
  };
  const base = { endpointOptions, ...(notes.length ? { notes } : {}) };
  if (regionFlag) return { ...base, region: regionFlag, regionSource: '--region' };
  if (env.AWS_REGION) return { ...base, region: env.AWS_REGION, regionSource: 'AWS_REGION' };
  if (env.AWS_DEFAULT_REGION)
    return { ...base, region: env.AWS_DEFAULT_REGION, regionSource: 'AWS_DEFAULT_REGION' };
  const written = settings.region;
  const region = config('region');
  if (!written || !region) return { ...base, regionSource: 'none' };
  // configparser keeps "eu-west-1 ; prod" whole, which no AWS region matches: the comment goes.
  const bare = region.split(/\s[;#]/)[0]?.trim() ?? region;
  if (bare !== region)
    notes.push(`${written.file} line ${written.line}: region ${bare} read without the comment after it`);
  const at = { ...base, ...(notes.length ? { notes } : {}) };
  return { ...at, region: bare, regionSource: `profile ${profile} (${written.file} line ${written.line})` };
}

function isTrue(value: string | undefined): boolean {
  return value?.trim().toLowerCase() === 'true';
}
