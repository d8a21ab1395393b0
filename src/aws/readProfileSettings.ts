import { parseKnownFiles } from '@smithy/shared-ini-file-loader';

/** A profile's settings by name (credentials file over config file, as botocore and the SDK merge them). */
export type ProfileSettings = Record<string, string | undefined>;

/**
 * The one reader of a profile's settings for credential decisions: the SDK's ini loader (the same
 * files and cached copy the SDK chain reads), undefined for a profile in neither file or files that
 * cannot be read.
 */
export async function readProfileSettings(
  env: Record<string, string | undefined>,
  name: string,
): Promise<ProfileSettings | undefined> {
  try {
    const profiles = await parseKnownFiles({
      filepath: env.AWS_SHARED_CREDENTIALS_FILE || undefined,
      configFilepath: env.AWS_CONFIG_FILE || undefined,
    });
    return Object.hasOwn(profiles, name) ? (profiles[name] as ProfileSettings) : undefined;
  } catch {
    return undefined;
  }
}
