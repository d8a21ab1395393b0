import { EksTokenError } from '../shared/EksTokenError.js';
import type { AwsCredentials } from './AwsCredentials.js';

/**
 * The credentials the AWS CLI (botocore's EnvProvider, the first link of its chain) takes from
 * AWS_ACCESS_KEY_ID and friends, or undefined when it looks elsewhere: no key in the environment,
 * or an explicit --profile. AWS_PROFILE and AWS_DEFAULT_PROFILE do not outrank environment keys.
 * Read here so that a plain key pair never loads the SDK (about 1 MB of JavaScript).
 */
export function staticEnvCredentials(
  env: Record<string, string | undefined>,
  profileFlag?: string,
): AwsCredentials | undefined {
  if (profileFlag) return undefined;
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  if (!accessKeyId) return undefined;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!secretAccessKey) {
    throw new EksTokenError(
      'E_PARTIAL_ENV_CREDENTIALS',
      'AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not',
      'export both, or unset AWS_ACCESS_KEY_ID to use a profile',
    );
  }
  const credentials: AwsCredentials = { accessKeyId, secretAccessKey };
  // The older name first, as botocore reads them.
  const sessionToken = env.AWS_SECURITY_TOKEN || env.AWS_SESSION_TOKEN;
  if (sessionToken) credentials.sessionToken = sessionToken;
  if (env.AWS_CREDENTIAL_EXPIRATION) credentials.expiration = new Date(env.AWS_CREDENTIAL_EXPIRATION);
  return credentials;
}
