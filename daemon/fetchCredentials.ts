import { type ChildProcess, spawn } from 'node:child_process';
import { parseCredentialsAnswer } from '../src/protocol/credentialsAnswer.js';
import { forwardedEnv } from '../src/protocol/forwardedEnv.js';
import { MAX_LINE_BYTES } from '../src/protocol/requests.js';
import { EksTokenError } from '../src/shared/EksTokenError.js';
import type { ResolvedRequest } from '../src/token/mintToken.js';
import type { AwsCredentials } from '../src/token/presignToken.js';

const FETCH_TIMEOUT_MS = 30_000;
// Each child is a Node process loading the AWS SDK; many distinct profiles at once must not fork-bomb.
const MAX_CHILDREN = 8;

/**
 * Fetches credentials in a child (credentialChild.cjs) that runs with the caller's environment:
 * the AWS SDK's chain reads process.env, and the daemon's is not the caller's.
 */
export class CredentialFetcher {
  private readonly children = new Set<ChildProcess>();
  private readonly waiting: Array<() => void> = [];
  private active = 0;

  /** `childEntry`: the credential child's script (credentialChild.cjs beside the bundle). */
  constructor(private readonly childEntry: string) {}

  /** Runs one fetch, at most MAX_CHILDREN at a time. */
  async fetch(resolved: ResolvedRequest, env: Record<string, string>): Promise<AwsCredentials> {
    await this.acquire();
    try {
      return await this.inChild(resolved, env);
    } finally {
      this.release();
    }
  }

  /** Kills fetches still running (the daemon is stopping). */
  close(): void {
    for (const child of this.children) child.kill('SIGKILL');
  }

  private inChild(resolved: ResolvedRequest, env: Record<string, string>): Promise<AwsCredentials> {
    return new Promise((resolve, reject) => {
      // Only forwarded variables: never the daemon's own, and never NODE_OPTIONS into a Node child.
      const child = spawn(process.execPath, [this.childEntry], {
        env: forwardedEnv(env),
        stdio: ['pipe', 'pipe', 'ignore'],
      });
      this.children.add(child);
      let out = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), FETCH_TIMEOUT_MS);
      child.stdout?.setEncoding('utf8');
      child.stdout?.on('data', (chunk: string) => {
        out += chunk;
        if (out.length > MAX_LINE_BYTES) child.kill('SIGKILL');
      });
      child.stdin?.on('error', () => {});
      child.once('error', (error) => reject(failed(`cannot start the credential fetch (${error.message})`)));
      child.once('close', (_code, signal) => {
        clearTimeout(timer);
        this.children.delete(child);
        let credentials: AwsCredentials | undefined;
        try {
          credentials = parseCredentialsAnswer(out);
        } catch (error) {
          return reject(error);
        }
        if (!credentials)
          return reject(
            failed(`the credential fetch ended without an answer${signal ? ` (${signal})` : ''}`),
          );
        resolve(credentials);
      });
      child.stdin?.end(JSON.stringify(resolved));
    });
  }

  private acquire(): Promise<void> {
    if (this.active < MAX_CHILDREN) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    // A waiting fetch takes over the slot; otherwise it frees up.
    const next = this.waiting.shift();
    if (next) next();
    else this.active -= 1;
  }
}

function failed(message: string): EksTokenError {
  return new EksTokenError('E_DAEMON', message, 'the plugin makes the token itself');
}
