import { type AwsFiles, type AwsSection, type AwsSetting, readAwsFiles } from './readAwsFiles.js';

/** A key pair (and session token) taken whole from one section of one file. */
export interface ProfileKeys {
  /** The file whose section holds them: botocore takes the credentials file's before a credential_process, the config file's after. */
  from: 'credentials' | 'config';
  accessKeyId: AwsSetting;
  /** Missing when that section has a key id but no secret (botocore's partial credentials). */
  secretAccessKey?: AwsSetting;
  sessionToken?: AwsSetting;
}

/** One profile's settings as the AWS CLI merges them, each with the file and line it came from. */
export interface AwsProfile {
  name: string;
  /** In either file. */
  exists: boolean;
  /** The config file's section with the credentials file's settings over it (botocore's full_config). */
  settings: AwsSection;
  /** The static keys botocore signs with for this profile, or undefined. */
  keys?: ProfileKeys;
}

const KEY_ID = 'aws_access_key_id';
const SECRET = 'aws_secret_access_key';

/** Reads the AWS files in `env` and returns one profile as the AWS CLI sees it, and the reader's notes. */
export function readAwsProfile(
  env: Record<string, string | undefined>,
  name: string,
): AwsProfile & { notes: string[] } {
  const files = readAwsFiles(env);
  return { ...profileOf(files, name), notes: files.notes };
}

/** One profile of files already read (see AwsProfile). */
export function profileOf(files: AwsFiles, name: string): AwsProfile {
  const fromConfig = files.config.profiles.get(name);
  const fromCredentials = files.credentials.profiles.get(name);
  const settings: AwsSection = { ...fromConfig, ...fromCredentials };
  const keys = keysOf(fromCredentials, 'credentials') ?? keysOf(fromConfig, 'config');
  return { name, exists: Boolean(fromConfig || fromCredentials), settings, ...(keys ? { keys } : {}) };
}

/** The names of every profile in either file. */
export function profileNames(files: AwsFiles): Set<string> {
  return new Set([...files.config.profiles.keys(), ...files.credentials.profiles.keys()]);
}

// botocore's shared-credentials and config providers: a section with a key id supplies the whole pair
// and the token (aws_security_token before aws_session_token), so two sections or files never mix.
function keysOf(section: AwsSection | undefined, from: ProfileKeys['from']): ProfileKeys | undefined {
  const accessKeyId = section?.[KEY_ID];
  if (!section || !accessKeyId) return undefined;
  const secretAccessKey = section[SECRET];
  const sessionToken = section.aws_security_token ?? section.aws_session_token;
  return {
    from,
    accessKeyId,
    ...(secretAccessKey ? { secretAccessKey } : {}),
    ...(sessionToken ? { sessionToken } : {}),
  };
}

/** A setting's plain value (undefined for a missing or nested one). */
export function plainValue(setting: AwsSetting | undefined): string | undefined {
  return typeof setting?.value === 'string' ? setting.value : undefined;
}
