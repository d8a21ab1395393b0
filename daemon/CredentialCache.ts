import type { AwsCredentials } from '../src/aws/AwsCredentials.js';
import { staticEnvCredentials } from '../src/aws/staticEnvCredentials.js';
import { isEksTokenError } from '../src/shared/EksTokenError.js';
import type { ResolvedRequest } from '../src/token/mintToken.js';
import { type CallerIdentity, credentialSourceKey } from './callerIdentity.js';
import { SharedCache } from './SharedCache.js';

const REFRESH_BEFORE_MS = 10 * 60_000;
/**
 * How long credentials without an expiry (a credential_process answer without Expiration, keys in
 * the credentials file) are reused: the AWS CLI runs a helper on every call, so a changed answer
 * must count soon; the files' stamps count at once.
 */
export const NO_EXPIRY_REUSE_MS = 30_000;
// How long after its fetch wanted an MFA code the daemon takes the plugin's credentials: the prompt's
// time to be answered, and the plugin's own AssumeRole.
const HOLD_WINDOW_MS = 5 * 60_000;
// AssumeRole's longest session.
const MAX_HELD_MS = 12 * 60 * 60_000;

/** Where credentials come from: a credential child per fetch in the daemon (CredentialFetcher). */
export interface CredentialSource {
  /** `signal` aborts once no client waits for these credentials any more. */
  fetch(
    resolved: ResolvedRequest,
    env: Record<string, string>,
    signal?: AbortSignal,
    cwd?: string,
  ): Promise<AwsCredentials>;
  /** Stops fetches still running. */
  close(): void;
}

interface Fetched {
  credentials: AwsCredentials;
  fetchedAt: number;
}

/** Credentials per source (environment, profile, role, ...), fetched once and shared until near expiry. */
export class CredentialCache {
  private readonly cache: SharedCache<Fetched>;
  // Sources whose fetch needed an MFA code: key -> the AWS files' version and when.
  private readonly wantsMfa = new Map<string, { stamp: string; at: number }>();

  constructor(
    private readonly options: {
      fetcher: CredentialSource;
      now: () => number;
      maxEntries: number;
      onFetch: () => void;
    },
  ) {
    this.cache = new SharedCache<Fetched>({
      maxEntries: options.maxEntries,
      now: options.now,
      idleMs: 60 * 60_000,
      expiresAt: (f) => f.credentials.expiration?.getTime() ?? f.fetchedAt + NO_EXPIRY_REUSE_MS,
      // Refresh ahead of expiry, by half the lifetime for short-lived credentials, so renewed tokens last.
      freshUntil: (f) => {
        const end = f.credentials.expiration?.getTime();
        if (end === undefined) return f.fetchedAt + NO_EXPIRY_REUSE_MS;
        return end - Math.min(REFRESH_BEFORE_MS, (end - f.fetchedAt) / 2);
      },
    });
  }

  /**
   * The credentials the caller's environment gives for this request, as the plugin would resolve
   * them, keyed by credentialSourceKey. `signal` aborts when the caller has gone.
   */
  async get(
    resolved: ResolvedRequest,
    caller: { env: Record<string, string>; cwd: string | undefined; identity: CallerIdentity },
    stamp: string,
    stampNow: () => string,
    signal?: AbortSignal,
  ) {
    const { env, cwd, identity } = caller;
    // The SDK chain's first link: a key pair in the caller's environment signs without a child.
    const fromEnv = resolved.roleArn ? undefined : staticEnvCredentials(env, resolved.profile);
    if (fromEnv) return fromEnv;
    const key = credentialSourceKey(resolved, identity);
    const produce = async (shared: AbortSignal): Promise<Fetched> => {
      this.options.onFetch();
      try {
        // Where the caller is: a helper may read its directory, and relative paths are taken from it
        // (resolved in the key; only a credential_process chain keys on the directory itself).
        const credentials = await this.options.fetcher.fetch(resolved, env, shared, cwd);
        return { credentials, fetchedAt: this.options.now() };
      } catch (error) {
        // The one case where the plugin may hand credentials over afterwards (hold).
        if (isEksTokenError(error) && error.code === 'E_MFA_REQUIRED')
          this.wantsMfa.set(key, { stamp, at: this.options.now() });
        throw error;
      }
    };
    return (await this.cache.get(key, stamp, produce, stampNow, signal)).credentials;
  }

  /**
   * Keeps credentials the plugin got by prompting for an MFA code, for the source this daemon's own
   * fetch failed on for want of that code (same key, same AWS files, within HOLD_WINDOW_MS, once):
   * temporary credentials that expire within 12 h. True when kept. The key is computed here from the
   * request and environment sent, as for a fetch, so the plugin cannot choose it.
   */
  hold(
    resolved: ResolvedRequest,
    identity: CallerIdentity,
    stamp: string,
    stampNow: () => string,
    credentials: AwsCredentials,
  ): boolean {
    const key = credentialSourceKey(resolved, identity);
    const wanted = this.wantsMfa.get(key);
    const now = this.options.now();
    const end = credentials.expiration?.getTime();
    if (!wanted || wanted.stamp !== stamp || now - wanted.at > HOLD_WINDOW_MS) return false;
    if (!credentials.sessionToken || end === undefined || end <= now || end - now > MAX_HELD_MS) return false;
    this.wantsMfa.delete(key);
    const held: Fetched = { credentials, fetchedAt: now };
    void this.cache.get(key, stamp, async () => held, stampNow);
    return true;
  }

  /** Drops expired and idle credentials. */
  sweep(): void {
    this.cache.sweep();
    const now = this.options.now();
    for (const [key, wanted] of this.wantsMfa)
      if (now - wanted.at > HOLD_WINDOW_MS) this.wantsMfa.delete(key);
  }

  /** Forgets all credentials. */
  clear(): number {
    this.wantsMfa.clear();
    return this.cache.clear();
  }

  /** Kills credential fetches still running (the daemon is stopping). */
  close(): void {
    this.options.fetcher.close();
  }
}
