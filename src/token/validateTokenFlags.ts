import { EksTokenError } from '../shared/EksTokenError.js';

/** The flags validateTokenFlags looks at (parsed `token` / `get-token` values). */
export interface CheckedFlags {
  output?: string | undefined;
  query?: string | undefined;
  'no-sign-request'?: boolean | undefined;
  role?: string | undefined;
  'role-arn'?: string | undefined;
  'session-name'?: string | undefined;
}

// IAM's own rules: a role ARN in any partition, with an optional path; a role session name.
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:[\x21-\x7e]+\/)?[\w+=,.@-]{1,64}$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

/**
 * Rejects, before any network call, what would make a token kubectl or EKS cannot use: an output
 * other than JSON, --query, an unsigned request, a malformed role ARN or session name.
 */
export function validateTokenFlags(values: CheckedFlags): void {
  if (values.output !== undefined && values.output !== 'json') {
    throw new EksTokenError(
      'E_UNSUPPORTED_OPTION',
      `--output ${values.output}: kubectl reads only the JSON ExecCredential`,
      'pass --output json or leave it out (--token-only prints the bare token)',
    );
  }
  if (values.query !== undefined) {
    throw new EksTokenError(
      'E_UNSUPPORTED_OPTION',
      '--query: kubectl reads the whole ExecCredential',
      'leave --query out (--token-only prints the bare token)',
    );
  }
  if (values['no-sign-request']) {
    throw new EksTokenError(
      'E_UNSUPPORTED_OPTION',
      '--no-sign-request makes an unsigned token, which EKS rejects',
      'leave --no-sign-request out',
    );
  }
  for (const flag of ['role', 'role-arn'] as const) {
    const arn = values[flag];
    if (arn !== undefined && !ROLE_ARN.test(arn)) {
      throw new EksTokenError(
        'E_BAD_ROLE_ARN',
        `--${flag} ${JSON.stringify(arn)} is not an IAM role ARN`,
        'pass arn:aws:iam::ACCOUNT:role/NAME (arn:aws-cn:..., arn:aws-us-gov:... in other partitions)',
      );
    }
  }
  const session = values['session-name'];
  if (session !== undefined && !SESSION_NAME.test(session)) {
    throw new EksTokenError(
      'E_BAD_SESSION_NAME',
      `--session-name ${JSON.stringify(session)} is not a role session name`,
      'use 2 to 64 letters, digits and + = , . @ _ -',
    );
  }
}
