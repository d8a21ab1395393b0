/** Stable machine-readable codes for every failure eks-token reports. */
export type EksTokenErrorCode =
  | 'E_USAGE'
  | 'E_UNSUPPORTED_OPTION'
  | 'E_BAD_ROLE_ARN'
  | 'E_BAD_SESSION_NAME'
  | 'E_NO_CLUSTER_ID'
  | 'E_BAD_CLUSTER_ID'
  | 'E_BAD_API_VERSION'
  | 'E_BAD_EXEC_INFO'
  | 'E_BAD_REGION'
  | 'E_UNSUPPORTED_ENDPOINT'
  | 'E_NO_CREDENTIALS'
  | 'E_PARTIAL_ENV_CREDENTIALS'
  | 'E_PROFILE_NOT_FOUND'
  | 'E_AWS_FILE'
  | 'E_SOURCE_PROFILE_LOOP'
  | 'E_PROFILE_CONFLICT'
  | 'E_NO_SSO_SESSION'
  | 'E_INCOMPLETE_PROFILE'
  | 'E_CREDENTIAL_PROCESS_NOT_FOUND'
  | 'E_CREDENTIAL_PROCESS_NOT_EXECUTABLE'
  | 'E_CREDENTIAL_PROCESS_NO_JSON'
  | 'E_CREDENTIAL_PROCESS_FAILED'
  | 'E_STS_UNREACHABLE'
  | 'E_CREDENTIALS'
  | 'E_SSO_EXPIRED'
  | 'E_SSO_UNREACHABLE'
  | 'E_MFA_REQUIRED'
  | 'E_ASSUME_ROLE'
  | 'E_SIGNING'
  | 'E_NO_TXT_RECORD'
  | 'E_BAD_TXT_RECORD'
  | 'E_AMBIGUOUS_TXT_RECORD'
  | 'E_DNS_FAILED'
  | 'E_BAD_DNS_SERVER'
  | 'E_SOCKET_DIR'
  | 'E_AWS_FILE'
  | 'E_BAD_REQUEST'
  | 'E_DAEMON_BUSY'
  | 'E_TOO_MANY_FETCHES'
  | 'E_CREDENTIAL_CHILD'
  | 'E_CLIENT_GONE'
  | 'E_DAEMON_INTERNAL'
  | 'E_NOT_UNIX_SOCKET'
  | 'E_START_LOCK'
  | 'E_DAEMON_START'
  | 'E_DAEMON_NOT_RUNNING'
  | 'E_DAEMON_UNRESPONSIVE'
  | 'E_DAEMON_STOP'
  | 'E_NOT_FOR_DAEMON'
  | 'E_UNKNOWN_OP'
  | 'E_KUBECONFIG'
  | 'E_KUBECONFIG_IO'
  | 'E_NO_KUBECONFIG_ENTRY'
  | 'E_EKS_UNREACHABLE'
  | 'E_EKS_ACCESS_DENIED'
  | 'E_EKS_ERROR'
  | 'E_CLUSTER_NOT_READY'
  | 'E_STS_REJECTED'
  | 'E_NO_SUCH_CLUSTER'
  | 'E_BAD_CERTIFICATE'
  | 'E_VERIFY';

/** An expected failure: `message` says what failed, `hint` what the user can do about it. */
export class EksTokenError extends Error {
  readonly code: EksTokenErrorCode;
  readonly hint: string;

  constructor(code: EksTokenErrorCode, message: string, hint = '', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EksTokenError';
    this.code = code;
    this.hint = hint;
  }
}

/** True when `value` is an EksTokenError (also across bundle copies of this module). */
export function isEksTokenError(value: unknown): value is EksTokenError {
  return value instanceof Error && (value as { name?: string }).name === 'EksTokenError';
}

/** The one stderr line for a failure: `eks-token: <what failed>: <what to do>`. */
export function formatErrorLine(error: unknown): string {
  if (isEksTokenError(error)) {
    // A quoted sentence's full stop would read ".:" before the hint.
    const message = error.hint ? error.message.replace(/\.+$/, '') : error.message;
    return `eks-token: ${message}${error.hint ? `: ${error.hint}` : ''}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `eks-token: unexpected error: ${oneLine(message)}: rerun with --debug and report it`;
}

/** Collapses a message onto one line so stderr stays one line per failure. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
