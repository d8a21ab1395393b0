import type { PluginDeps } from '../plugin/deps.js';
import { EksTokenError, isEksTokenError } from '../src/EksTokenError.js';
import type { ResolvedRequest } from '../src/mintToken.js';
import { MAX_LINE_BYTES } from './protocol.js';

/** What `daemon __credentials` prints on stdout: one JSON document. */
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

/**
 * The internal `daemon __credentials` command: the daemon runs it as a child with the caller's
 * environment, because the AWS SDK's credential chain reads process.env. The resolved request comes
 * on stdin and the credentials go back on the stdout pipe, never through a file.
 */
export async function runCredentialsCommand(deps: PluginDeps): Promise<number> {
  let answer: CredentialsAnswer;
  try {
    const resolved = JSON.parse(await readAll(deps.stdin)) as ResolvedRequest;
    const { credentialsForRequest } = await import('../src/mintToken.js');
    const { trustExtraCaCerts } = await import('../src/trustExtraCaCerts.js');
    const log = (line: string) => deps.stderr.write(`${line}\n`);
    trustExtraCaCerts(deps.env, log);
    const credentials = await credentialsForRequest(resolved, {
      env: deps.env,
      now: deps.now,
      log,
      debug: false,
      mfaCodeProvider: async (serial) => {
        // No terminal here: the plugin falls back to minting in-process, where it can prompt.
        throw new EksTokenError('E_MFA_REQUIRED', `the profile needs an MFA code for ${serial}`);
      },
    });
    answer = {
      ok: true,
      credentials: {
        accessKeyId: credentials.accessKeyId,
        secretAccessKey: credentials.secretAccessKey,
        ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
        ...(credentials.expiration ? { expiration: credentials.expiration.toISOString() } : {}),
      },
    };
  } catch (error) {
    const known = isEksTokenError(error);
    answer = {
      ok: false,
      error: {
        code: known ? error.code : 'E_CREDENTIALS',
        message: known ? error.message : 'the credential fetch failed unexpectedly',
        hint: known ? error.hint : '',
      },
    };
  }
  deps.stdout.write(`${JSON.stringify(answer)}\n`);
  return answer.ok ? 0 : 1;
}

function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      text += chunk;
      if (text.length > MAX_LINE_BYTES) reject(new EksTokenError('E_DAEMON', 'credential request too long'));
    });
    stream.once('end', () => resolve(text));
    stream.once('error', reject);
  });
}
