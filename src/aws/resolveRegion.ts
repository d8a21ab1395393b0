import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
import type { EndpointOptions } from './resolveStsEndpoint.js';

/** Settings of the active profile that decide where the token points. */
export interface ProfileSettings {
  region?: string;
  endpointOptions: EndpointOptions;
}

type Env = Record<string, string | undefined>;

/** The profile eks-token acts as, as the AWS CLI picks it: --profile, AWS_DEFAULT_PROFILE, AWS_PROFILE, `default`. */
export function resolveProfileName(flag: string | undefined, env: Env): string {
  return flag || env.AWS_DEFAULT_PROFILE || env.AWS_PROFILE || 'default';
}

/** Reads region and endpoint switches from the environment, falling back to the profile in ~/.aws/config. */
export async function resolveProfileSettings(
  profile: string,
  regionFlag: string | undefined,
  env: Env,
): Promise<ProfileSettings & { regionSource: string }> {
  const config = await loadProfile(profile, env);
  const pick = (envName: string, iniName: string): string | undefined => env[envName] || config[iniName];
  const endpointOptions: EndpointOptions = {
    useFips: isTrue(pick('AWS_USE_FIPS_ENDPOINT', 'use_fips_endpoint')),
    useDualStack: isTrue(pick('AWS_USE_DUALSTACK_ENDPOINT', 'use_dualstack_endpoint')),
    stsRegionalEndpoints:
      pick('AWS_STS_REGIONAL_ENDPOINTS', 'sts_regional_endpoints')?.toLowerCase() === 'legacy'
        ? 'legacy'
        : 'regional',
  };
  if (regionFlag) return { region: regionFlag, regionSource: '--region', endpointOptions };
  if (env.AWS_REGION) return { region: env.AWS_REGION, regionSource: 'AWS_REGION', endpointOptions };
  if (env.AWS_DEFAULT_REGION)
    return { region: env.AWS_DEFAULT_REGION, regionSource: 'AWS_DEFAULT_REGION', endpointOptions };
  if (config.region) return { region: config.region, regionSource: `profile ${profile}`, endpointOptions };
  return { regionSource: 'none', endpointOptions };
}

async function loadProfile(profile: string, env: Env): Promise<Record<string, string | undefined>> {
  try {
    const files = await loadSharedConfigFiles({
      filepath: env.AWS_SHARED_CREDENTIALS_FILE || undefined,
      configFilepath: env.AWS_CONFIG_FILE || undefined,
    });
    return { ...files.credentialsFile[profile], ...files.configFile[profile] };
  } catch {
    // A missing or unreadable config only means no profile defaults; credential resolution reports real problems.
    return {};
  }
}

function isTrue(value: string | undefined): boolean {
  return value?.trim().toLowerCase() === 'true';
}
