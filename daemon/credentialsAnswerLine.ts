// The credential child's one message: the daemon sends it the resolved request on stdin, and it
// answers on stdout with the credentials or the error.

import type { AwsCredentials } from '../src/aws/AwsCredentials.js';
import { EksTokenError, type EksTokenErrorCode, isEksTokenError } from '../src/shared/EksTokenError.js';

/** What the credential child prints on stdout: one JSON document. */
export type CredentialsAnswer =
  | {
      ok: true;
      credentials: {
        accessKeyId: string;
        secretAccessKey: string;
        sessionToken?: string;
        expiration?: string;
      };
    }
  | { ok: false; error: { code: string; message: string; hint: string } };

/** The child's answer for credentials or for the failure to get them (messages never carry secrets). */
export function credentialsAnswerLine(outcome: { credentials: AwsCredentials } | { error: unknown }): string {
  let answer: CredentialsAnswer;
  if ('credentials' in outcome) {
    const { accessKeyId, secretAccessKey, sessionToken, expiration } = outcome.credentials;
    answer = {
      ok: true,
      credentials: {
        accessKeyId,
        secretAccessKey,
        ...(sessionToken ? { sessionToken } : {}),
        ...(expiration ? { expiration: expiration.toISOString() } : {}),
      },
    };
  } else {
    const known = isEksTokenError(outcome.error);
    const error = outcome.error as EksTokenError;
    answer = {
      ok: false,
      error: {
        code: known ? error.code : 'E_CREDENTIALS',
        message: known ? error.message : 'the credential fetch failed unexpectedly',
        hint: known ? error.hint : '',
      },
    };
  }
  return `${JSON.stringify(answer)}\n`;
}

/** The daemon's reading of the child's answer: the credentials, or the child's error thrown; undefined if it is not an answer. */
export function parseCredentialsAnswer(text: string): AwsCredentials | undefined {
  let answer: CredentialsAnswer;
  try {
    answer = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof answer !== 'object' || answer === null) return undefined;
  if (!answer.ok) {
    const { code, message, hint } = answer.error ?? {};
    if (typeof code !== 'string' || typeof message !== 'string') return undefined;
    throw new EksTokenError(code as EksTokenErrorCode, message, typeof hint === 'string' ? hint : '');
  }
  const { expiration, ...keys } = answer.credentials ?? {};
  if (typeof keys.accessKeyId !== 'string' || typeof keys.secretAccessKey !== 'string') return undefined;
  return { ...keys, ...(expiration ? { expiration: new Date(expiration) } : {}) };
}
