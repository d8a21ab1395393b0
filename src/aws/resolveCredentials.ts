import { fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { EksTokenError, isEksTokenError, oneLine } from '../shared/EksTokenError.js';
import type { AwsCredentials } from '../token/presignToken.js';

/** What decides which AWS identity signs the token. */
export interface CredentialRequest {
  /** --profile; without it the SDK reads AWS_PROFILE itself. */
  profile?: string;
  /** The profile in effect (flag, AWS_PROFILE or default), named in error messages. */
  profileInEffect?: string;
  region: string;
  roleArn?: string;
  externalId?: string;
  sessionName?: string;
  /** Asks for an MFA code when a profile needs one; rejects when not interactive. */
  mfaCodeProvider: (serial: string) => Promise<string>;
  now: () => number;
}

/** Resolves credentials through the AWS SDK's Node chain, assuming `roleArn` when given. */
export async function resolveCredentials(request: CredentialRequest): Promise<AwsCredentials> {
  const base = fromNodeProviderChain({
    ...(request.profile ? { profile: request.profile } : {}),
    mfaCodeProvider: request.mfaCodeProvider,
    clientConfig: { region: request.region },
  });
  const provider = request.roleArn
    ? fromTemporaryCredentials({
        masterCredentials: base,
        params: {
          RoleArn: request.roleArn,
          ...(request.externalId ? { ExternalId: request.externalId } : {}),
          RoleSessionName: request.sessionName || `eks-token-${request.now()}`,
        },
        clientConfig: { region: request.region },
        mfaCodeProvider: request.mfaCodeProvider,
      })
    : base;
  try {
    const credentials = await provider();
    return {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
      ...(credentials.expiration ? { expiration: credentials.expiration } : {}),
    };
  } catch (error) {
    throw explainCredentialError(error, request);
  }
}

/** Turns SDK credential failures into one actionable EksTokenError. */
export function explainCredentialError(
  error: unknown,
  request: { profile?: string; profileInEffect?: string; roleArn?: string },
): Error {
  if (isEksTokenError(error)) return error;
  const err = error as { name?: string; message?: string; Code?: string };
  const message = redact(oneLine(err.message ?? String(error)));
  const named = request.profile ?? request.profileInEffect;
  const profile = named && named !== 'default' ? named : undefined;
  const profileFlag = profile ? ` --profile ${profile}` : '';
  if (/sso|token is expired|refresh failed/i.test(message) && /expired|refresh|sso session/i.test(message)) {
    return new EksTokenError(
      'E_SSO_EXPIRED',
      `the AWS SSO session has expired (${message})`,
      `run: aws sso login${profileFlag}`,
      {
        cause: error,
      },
    );
  }
  if (/multi-factor|mfa/i.test(message)) {
    return new EksTokenError(
      'E_MFA_REQUIRED',
      `the profile needs an MFA code (${message})`,
      'set interactiveMode: IfAvailable in the kubeconfig exec section and run kubectl in a terminal',
      { cause: error },
    );
  }
  if (
    request.roleArn &&
    (err.name === 'AccessDenied' || err.Code || /AssumeRole|not authorized/i.test(message))
  ) {
    return new EksTokenError(
      'E_ASSUME_ROLE',
      `could not assume role ${request.roleArn}: ${err.name && err.name !== 'Error' ? `${err.name}: ` : ''}${message}`,
      "check the role's trust policy, the external id and your base credentials (eks-token whoami shows them)",
      { cause: error },
    );
  }
  if (err.name === 'CredentialsProviderError' || /could not load credentials|credential/i.test(message)) {
    return new EksTokenError(
      'E_NO_CREDENTIALS',
      `no AWS credentials found${profile ? ` for profile ${profile}` : ''} (${message})`,
      'set AWS_PROFILE or --profile, run aws configure or aws sso login, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
      { cause: error },
    );
  }
  return new EksTokenError(
    'E_CREDENTIALS',
    `could not resolve AWS credentials: ${message}`,
    'rerun with --debug for details',
    {
      cause: error,
    },
  );
}

/** Removes anything that looks like a secret key, session token or bearer token from a message. */
export function redact(text: string): string {
  return text
    .replace(/k8s-aws-v1\.[A-Za-z0-9_-]+/g, 'k8s-aws-v1.<redacted>')
    .replace(/[A-Za-z0-9/+=]{40,}/g, '<redacted>');
}
