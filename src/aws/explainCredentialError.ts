import { EksTokenError, isEksTokenError, oneLine } from '../shared/EksTokenError.js';
import { redact } from '../shared/redact.js';
import { diagnoseProfile } from './diagnoseProfile.js';
import { readProfileSettings } from './readProfileSettings.js';

/** What the failed credential lookup was for, and what the SDK said on the way. */
export interface CredentialFailureContext {
  /** --profile, when given. */
  profile?: string;
  /** The profile in effect (flag, AWS_DEFAULT_PROFILE, AWS_PROFILE or default). */
  profileInEffect?: string;
  roleArn?: string;
  /** Host AssumeRole goes to, named when it cannot be reached. */
  stsHost?: string;
  /** The SDK's debug lines: each credential source's own reason for failing. */
  sdkMessages?: string[];
  env?: Record<string, string | undefined>;
}

// Node's errors for a connection that never got an answer.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);
// One of those codes and the peer after it, inside another error's message ("connect ECONNREFUSED h:p").
const WRAPPED_NETWORK_ERROR = new RegExp(`\\b(${[...NETWORK_CODES].join('|')})\\s+([^\\s)]+)`);

/** Turns an SDK credential failure into one EksTokenError that names its cause. */
export async function explainCredentialError(
  error: unknown,
  context: CredentialFailureContext,
): Promise<Error> {
  if (isEksTokenError(error)) return error;
  const err = error as {
    name?: string;
    message?: string;
    Code?: string;
    code?: string;
    $metadata?: unknown;
    hostname?: unknown;
    address?: unknown;
    port?: unknown;
  };
  const message = redact(oneLine(err.message ?? String(error)));
  const named = context.profile ?? context.profileInEffect;
  const profile = named && named !== 'default' ? named : undefined;
  const profileFlag = profile ? ` --profile ${profile}` : '';
  const networkCode =
    err.code && NETWORK_CODES.has(err.code) ? err.code : err.name === 'TimeoutError' ? 'timeout' : '';
  const host = hostOf(err) ?? context.stsHost;
  if (networkCode && host) {
    return new EksTokenError(
      'E_STS_UNREACHABLE',
      `could not reach ${context.roleArn || host === context.stsHost ? 'STS' : 'AWS'} at ${host} (${networkCode})${context.roleArn ? ` to assume ${context.roleArn}` : ''}`,
      'check the network and proxy (HTTPS_PROXY), and AWS_ENDPOINT_URL_STS if set',
      { cause: error },
    );
  }
  // The SDK's SSO provider wraps the portal's network error in its own: only the message names it.
  const wrapped = WRAPPED_NETWORK_ERROR.exec(message);
  if (wrapped && err.name === 'CredentialsProviderError' && (await isSsoProfile(context))) {
    return new EksTokenError(
      'E_SSO_UNREACHABLE',
      `could not reach the AWS SSO portal at ${wrapped[2]} (${wrapped[1]})`,
      'check the network and proxy (HTTPS_PROXY), and AWS_ENDPOINT_URL_SSO if set',
      { cause: error },
    );
  }
  // The portal's UnauthorizedException: a login revoked or ended early, which botocore reports as expired.
  const ssoRefused = /\bUnauthorizedException\b/.test(message);
  if (
    ssoRefused ||
    (/sso|token is expired|refresh failed/i.test(message) && /expired|refresh|sso session/i.test(message))
  ) {
    return new EksTokenError(
      'E_SSO_EXPIRED',
      `the AWS SSO session has expired or is no longer valid (${message})`,
      `run: aws sso login${profileFlag}`,
      { cause: error },
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
  if (context.roleArn && (err.$metadata || err.Code || /AssumeRole|not authorized/i.test(message))) {
    const code = err.Code ?? (err.name && err.name !== 'Error' ? err.name : 'error');
    return new EksTokenError(
      'E_ASSUME_ROLE',
      `${code} assuming ${context.roleArn}: ${message}`,
      "check the role's trust policy, the external id and your base credentials (eks-token whoami shows them)",
      { cause: error },
    );
  }
  if (context.env) {
    const diagnosed = await diagnoseProfile(context.profileInEffect ?? 'default', {
      explicit: Boolean(context.profile || context.env.AWS_DEFAULT_PROFILE || context.env.AWS_PROFILE),
      env: context.env,
      sdkMessages: context.sdkMessages ?? [],
      chainFailed: err.name === 'CredentialsProviderError',
    });
    if (diagnosed) {
      diagnosed.cause = error;
      return diagnosed;
    }
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

// The peer a Node network error names: ENOTFOUND has the host name, ECONNREFUSED the address.
function hostOf(err: { hostname?: unknown; address?: unknown; port?: unknown }): string | undefined {
  if (typeof err.hostname === 'string') return err.hostname;
  if (typeof err.address !== 'string') return undefined;
  return typeof err.port === 'number' ? `${err.address}:${err.port}` : err.address;
}

// A profile whose credentials come from IAM Identity Center (the legacy form or an sso-session).
async function isSsoProfile(context: CredentialFailureContext): Promise<boolean> {
  const settings = await readProfileSettings(context.env ?? {}, context.profileInEffect ?? 'default');
  return settings?.sso_start_url !== undefined || settings?.sso_session !== undefined;
}
