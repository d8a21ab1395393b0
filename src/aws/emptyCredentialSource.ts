import { EksTokenError } from '../shared/EksTokenError.js';

// How to give each credential_source botocore knows the credentials it lacks.
const SOURCE_FIXES: Record<string, string> = {
  Environment: 'export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; the role is assumed with them',
  Ec2InstanceMetadata: 'run on an EC2 instance with an instance profile (AWS_EC2_METADATA_DISABLED unset)',
  EcsContainer: 'run in an ECS task or a pod that sets AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI',
};

/** The error for a credential_source that gave nothing, in botocore's words ("No credentials found in credential_source referenced in profile P"). */
export function emptyCredentialSource(source: string, profile: string): EksTokenError {
  const fix = SOURCE_FIXES[source];
  if (!fix)
    return new EksTokenError(
      'E_NO_CREDENTIALS',
      `credential_source ${source} of profile ${profile} is not one aws knows`,
      'use Environment, Ec2InstanceMetadata or EcsContainer',
    );
  return new EksTokenError(
    'E_NO_CREDENTIALS',
    `no credentials found in credential_source ${source} referenced in profile ${profile}`,
    fix,
  );
}
