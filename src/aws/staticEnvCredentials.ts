import type { AwsCredentials } from '../token/presignToken.js';

/**
 * The credentials the AWS SDK's Node chain would take from AWS_ACCESS_KEY_ID and friends, or
 * undefined when the chain would look elsewhere first (a profile is named). Read here so that a
 * plain key pair never loads the SDK (about 1 MB of JavaScript); a test keeps it equal to fromEnv.
 */
export function staticEnvCredentials(
  env: Record<string, string | undefined>,
  profileFlag?: string,
): AwsCredentials | undefined {
  // The SDK skips environment keys when a profile is named, even if keys are set.
  if (profileFlag || env.AWS_PROFILE) return undefined;
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) return undefined;
  const credentials: AwsCredentials = { accessKeyId, secretAccessKey };
  if (env.AWS_SESSION_TOKEN) credentials.sessionToken = env.AWS_SESSION_TOKEN;
  if (env.AWS_CREDENTIAL_EXPIRATION) credentials.expiration = new Date(env.AWS_CREDENTIAL_EXPIRATION);
  return credentials;
}
