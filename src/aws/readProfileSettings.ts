import { plainValue, readAwsProfile } from './readAwsProfile.js';

/** A profile's settings by name (credentials file over config file, as botocore merges them). */
export type ProfileSettings = Record<string, string | undefined>;

/**
 * A profile's plain settings for credential decisions, read through the botocore-semantic reader
 * (readAwsProfile): undefined for a profile in neither file or files that cannot be read.
 */
export async function readProfileSettings(
  env: Record<string, string | undefined>,
  name: string,
): Promise<ProfileSettings | undefined> {
  try {
    const profile = await readAwsProfile(env, name);
    if (!profile.exists) return undefined;
    return Object.fromEntries(
      Object.entries(profile.settings).map(([key, value]) => [key, plainValue(value)]),
    );
  } catch {
    return undefined;
  }
}
