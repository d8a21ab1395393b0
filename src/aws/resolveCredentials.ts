import {
  fromNodeProviderChain,
  fromTemporaryCredentials,
  fromTokenFile,
} from '@aws-sdk/credential-providers';
import type { AwsCredentials } from './AwsCredentials.js';
import { type CliCachedRolesOptions, cliCachedRoles, type Identity } from './cliCachedRoles.js';
import { explainCredentialError } from './explainCredentialError.js';
import { prepareProfileCredentials } from './prepareProfileCredentials.js';

/** What decides which AWS identity signs the token. */
export interface CredentialRequest {
  /** --profile, when given. */
  profile?: string;
  /** The profile in effect (flag, AWS_DEFAULT_PROFILE, AWS_PROFILE or default): the SDK chain's profile. */
  profileInEffect?: string;
  /** Keys from the environment, which the AWS CLI takes before any profile but an explicit one. */
  baseCredentials?: AwsCredentials;
  region: string;
  /** Where AssumeRole goes, named when it cannot be reached. */
  stsHost?: string;
  roleArn?: string;
  externalId?: string;
  sessionName?: string;
  /** Asks for an MFA code when a profile needs one; rejects when not interactive. */
  mfaCodeProvider: (serial: string) => Promise<string>;
  now: () => number;
  env?: Record<string, string | undefined>;
  /** --debug lines; the SDK's own warnings go here, never to stderr as they are. */
  debugLog?: (line: string) => void;
}

/** Resolves credentials as the AWS CLI would (environment keys, then the profile's chain), assuming `roleArn` when given. */
export async function resolveCredentials(request: CredentialRequest): Promise<AwsCredentials> {
  // Each credential source's reason for passing, kept to name the cause if none answers.
  const sdkMessages: string[] = [];
  const logger = {
    debug: (...parts: unknown[]) => {
      sdkMessages.push(parts.join(' '));
    },
    info: () => {},
    warn: (...parts: unknown[]) =>
      request.debugLog?.(`eks-token: debug: AWS SDK: ${parts.join(' ').replace(/\s+/g, ' ')}`),
    error: () => {},
  };
  // Callers that name no profile in effect get the SDK's own choice (--profile, else AWS_PROFILE).
  const profile = request.profileInEffect ?? request.profile;
  const base = request.baseCredentials
    ? async () => request.baseCredentials as AwsCredentials
    : await profileCredentials(request, profile, logger);
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
        logger,
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
    throw await explainCredentialError(error, { ...request, sdkMessages });
  }
}

// The profile in effect's credentials in botocore's order: a role profile's AssumeRole, else web
// identity (the environment's first), else the profile's own keys, else the SDK's chain for it; the
// AWS CLI's role cache is looked at first (a cached role session needs no MFA code and no AWS call).
async function profileCredentials(
  request: CredentialRequest,
  profile: string | undefined,
  logger: CliCachedRolesOptions['logger'],
): Promise<() => Promise<Identity>> {
  const env = request.env ?? process.env;
  const name = profile ?? (env.AWS_PROFILE || 'default');
  const roles = await cliCachedRoles({
    env,
    profile: name,
    explicitProfile: request.profile !== undefined,
    region: request.region,
    now: request.now,
    logger,
    mfaCodeProvider: request.mfaCodeProvider,
  });
  // The AWS files as botocore reads them (checked first): a profile's own keys, and the SDK's view.
  const keys = await prepareProfileCredentials(env, name);
  const web = roles.webIdentityFirst;
  if (web)
    return fromTokenFile({
      webIdentityTokenFile: web.tokenFile,
      roleArn: web.roleArn,
      ...(web.sessionName ? { roleSessionName: web.sessionName } : {}),
      roleAssumerWithWebIdentity: roles.roleAssumerWithWebIdentity,
      clientConfig: { region: request.region },
      logger,
    });
  if (keys) return async () => keys;
  // No clientConfig region: the SDK's SSO client would take it over sso_region, and the portal
  // lives in sso_region (botocore's SSOCredentialFetcher); the role assumers carry STS's region.
  const chain = fromNodeProviderChain({
    ...(profile ? { profile } : {}),
    mfaCodeProvider: roles.mfaCodeProvider,
    roleAssumer: roles.roleAssumer,
    roleAssumerWithWebIdentity: roles.roleAssumerWithWebIdentity,
    logger,
  });
  return async () => {
    const cached = await roles.cachedProfileRole();
    if (cached) request.debugLog?.('eks-token: debug: role credentials from the AWS CLI cache');
    return cached ?? chain();
  };
}
