import { type ChildProcess, spawn } from 'node:child_process';
import type { AwsCredentials } from '../src/aws/AwsCredentials.js';
import { MAX_LINE_BYTES } from '../src/protocol/DaemonRequest.js';
import { EksTokenError } from '../src/shared/EksTokenError.js';
import type { ResolvedRequest } from '../src/token/mintToken.js';
import { parseCredentialsAnswer } from './credentialsAnswerLine.js';

/** Limits of the credential children. */
export interface FetchLimits {
  /** A fetch still running after this long is killed with everything it started. */
  timeoutMs: number;
  /**
   * Children at once: each is a Node process loading the AWS SDK, and many distinct profiles at once
   * must not fork-bomb. Past it a fetch fails at once (the plugin makes that token itself) rather
   * than queue behind other identities' slow fetches.
   */
  maxChildren: number;
}

/** The daemon's limits. */
export const DEFAULT_FETCH_LIMITS: FetchLimits = { timeoutMs: 30_000, maxChildren: 8 };

/**
 * Fetches credentials in a child (credentialChild.cjs) that runs with the caller's environment:
 * the AWS SDK's chain reads process.env, and the daemon's is not the caller's. Each child leads its
 * own process group, so a credential_process helper and whatever it started die with it; and holds
 * the read end of a pipe only the daemon writes to (fd 3), so when the daemon dies, even by
 * SIGKILL, the child sees it close and kills its group.
 */
export class CredentialFetcher {
  private readonly children = new Set<ChildProcess>();

  /** `childEntry`: the credential child's script (credentialChild.cjs beside the bundle). */
  constructor(
    private readonly childEntry: string,
    private readonly limits: FetchLimits = DEFAULT_FETCH_LIMITS,
  ) {}

  /**
   * Runs one fetch. `signal` aborts when no client waits for it any more: a fetch not yet started
   * never starts, a running one is killed with its process group.
   */
  fetch(
    resolved: ResolvedRequest,
    env: Record<string, string>,
    signal?: AbortSignal,
    cwd?: string,
  ): Promise<AwsCredentials> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.children.size >= this.limits.maxChildren)
      return Promise.reject(
        failed('E_TOO_MANY_FETCHES', `${this.children.size} credential fetches are running already`),
      );
    return this.inChild(resolved, env, signal, cwd);
  }

  /** Kills fetches still running (the daemon is stopping). */
  close(): void {
    for (const child of this.children) killGroup(child);
  }

  private inChild(
    resolved: ResolvedRequest,
    env: Record<string, string>,
    signal: AbortSignal | undefined,
    cwd: string | undefined,
  ): Promise<AwsCredentials> {
    return new Promise((resolve, reject) => {
      // Detached: a process group (and session) of its own, killed as one. In the caller's working
      // directory when a credential_process helper reads it; else the root, which holds nothing.
      const child = spawn(process.execPath, [this.childEntry], {
        env: childEnv(env),
        stdio: ['pipe', 'pipe', 'ignore', 'pipe'],
        detached: true,
        cwd: cwd ?? '/',
      });
      this.children.add(child);
      let out = '';
      let why = '';
      const kill = (reason: string) => {
        why ||= reason;
        killGroup(child);
      };
      const timer = setTimeout(() => kill('timed out'), this.limits.timeoutMs);
      const onAbort = () => kill('no client waits for it any more');
      signal?.addEventListener('abort', onAbort, { once: true });
      child.stdout?.setEncoding('utf8');
      child.stdout?.on('data', (chunk: string) => {
        out += chunk;
        if (out.length > MAX_LINE_BYTES) kill('answer too long');
      });
      child.stdin?.on('error', () => {});
      // The lifeline: never written, closed by the kernel when the daemon goes.
      const lifeline = child.stdio[3] as NodeJS.ReadableStream & { destroy(): void };
      lifeline?.on('error', () => {});
      child.once('error', (error) =>
        reject(failed('E_CREDENTIAL_CHILD', `cannot start the credential fetch (${error.message})`)),
      );
      child.once('close', (_code, signal_) => {
        clearTimeout(timer);
        lifeline?.destroy();
        signal?.removeEventListener('abort', onAbort);
        this.children.delete(child);
        const detail = why || signal_;
        const noAnswer = () =>
          failed(
            'E_CREDENTIAL_CHILD',
            `the credential fetch ended without an answer${detail ? ` (${detail})` : ''}`,
          );
        if (why) return reject(noAnswer());
        let credentials: AwsCredentials | undefined;
        try {
          credentials = parseCredentialsAnswer(out);
        } catch (error) {
          return reject(error);
        }
        if (!credentials) return reject(noAnswer());
        resolve(credentials);
      });
      child.stdin?.end(JSON.stringify(resolved));
    });
  }
}

/** The variable that carries the caller's NODE_OPTIONS past the child's own Node start to its helpers. */
export const CALLER_NODE_OPTIONS = 'EKS_TOKEN_CALLER_NODE_OPTIONS';

// The caller's environment, never the daemon's. NODE_OPTIONS would act on the child's own Node
// (an --inspect, a --require); the child hands it back to the helpers it starts, as the plugin would.
function childEnv(env: Record<string, string>): Record<string, string> {
  const { NODE_OPTIONS, [CALLER_NODE_OPTIONS]: _, ...rest } = env;
  return NODE_OPTIONS === undefined ? rest : { ...rest, [CALLER_NODE_OPTIONS]: NODE_OPTIONS };
}

// The whole group: the child leads it (detached), its helpers are in it unless they left on purpose.
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Gone already (ESRCH).
  }
}

function failed(code: 'E_TOO_MANY_FETCHES' | 'E_CREDENTIAL_CHILD', message: string): EksTokenError {
  return new EksTokenError(code, message, 'the plugin makes the token itself');
}
