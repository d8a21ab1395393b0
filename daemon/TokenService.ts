import type { AwsCredentials } from '../src/aws/AwsCredentials.js';
import { awsFilePaths } from '../src/aws/awsFilePaths.js';
import { type Timers, unrefTimers } from '../src/shared/Timers.js';
import { signResolved } from '../src/token/mintToken.js';
import { CredentialCache, type CredentialSource, NO_EXPIRY_REUSE_MS } from './CredentialCache.js';
import { CredentialFetcher } from './CredentialFetcher.js';
import { callerMintDeps } from './callerMintDeps.js';
import { unreadableFile } from './filesStamp.js';
import { LastGoodNames } from './LastGoodNames.js';
import type { PreparedRequest } from './prepareRequest.js';
import { forgetSharedIni, refreshSharedIni } from './refreshSharedIni.js';
import type { CachedToken, MintedAnswer, ServedToken } from './ServedToken.js';
import { SharedCache } from './SharedCache.js';
import { notForDaemon } from './UnservedCounts.js';

const SERVE_MIN_MS = 2 * 60_000;
const RENEW_BEFORE_MS = 5 * 60_000;
const RENEW_IF_USED_WITHIN_MS = 15 * 60_000;
const MAINTAIN_EVERY_MS = 20_000;

/** What the service needs from the outside world. */
export interface TokenServiceOptions {
  /** The credential child's script (credentialChild.cjs beside the bundle). */
  credentialChild: string;
  now: () => number;
  maxEntries: number;
  /** Default: Node's timers, unref'd so they never keep the daemon alive. */
  timers?: Timers;
  /** Default: a CredentialFetcher running `credentialChild`. */
  credentials?: CredentialSource;
}

/** The daemon's counters, as status reports them. */
export interface Counters {
  hits: number;
  misses: number;
  renewals: number;
  errors: number;
  credentialFetches: number;
}

/** Tokens for callers' environments: cached, shared while being made, renewed while in use. */
export class TokenService {
  readonly counters: Counters = { hits: 0, misses: 0, renewals: 0, errors: 0, credentialFetches: 0 };
  private readonly tokens: SharedCache<CachedToken>;
  private readonly credentials: CredentialCache;
  private readonly names = new LastGoodNames();
  private readonly rechecks = new Map<string, Promise<boolean>>();
  // When a token's TXT name, looked up again and unchanged, must next be checked: kept beside the
  // token, which stays as it was served.
  private readonly nameRechecks = new WeakMap<CachedToken, number | undefined>();
  private readonly timers: Timers;
  private readonly renewals = new Set<Promise<unknown>>();
  private maintainTimer: unknown;

  constructor(private readonly options: TokenServiceOptions) {
    this.timers = options.timers ?? unrefTimers;
    this.tokens = new SharedCache<CachedToken>({
      maxEntries: options.maxEntries,
      now: options.now,
      idleMs: 30 * 60_000,
      expiresAt: (t) => t.expiresAt,
      // Short-lived tokens (a TXT record with a small TTL) are still served for half their life.
      freshUntil: (t) =>
        Math.min(
          t.reuseUntil ?? Number.POSITIVE_INFINITY,
          t.expiresAt - Math.min(SERVE_MIN_MS, (t.expiresAt - t.mintedAt) / 2),
        ),
    });
    this.credentials = new CredentialCache({
      fetcher: options.credentials ?? new CredentialFetcher(options.credentialChild),
      now: options.now,
      maxEntries: options.maxEntries,
      onFetch: () => {
        this.counters.credentialFetches += 1;
      },
    });
    this.scheduleMaintain();
  }

  /** The cached token, synchronously (the same object on every hit), or undefined on a miss. */
  lookup(prepared: PreparedRequest): ServedToken | undefined {
    // A token for a TXT name is only as good as the record: past its TTL, ask DNS again first.
    const current = this.tokens.current(prepared.key);
    if (current && this.nameCheckDue(current)) return undefined;
    const cached = this.tokens.peek(prepared.key, prepared.stamp);
    if (cached) this.counters.hits += 1;
    return cached;
  }

  private nameCheckDue(token: CachedToken): boolean {
    const at = this.nameRechecks.has(token) ? this.nameRechecks.get(token) : token.nameCheckAt;
    return at !== undefined && this.options.now() >= at;
  }

  /** Makes the token, or joins the making of the same one; `signal` aborts when the caller has gone. */
  async mint(prepared: PreparedRequest, signal?: AbortSignal): Promise<MintedAnswer> {
    const current = this.tokens.current(prepared.key);
    if (current && this.nameCheckDue(current)) {
      const unchanged = await this.recheckName(prepared, current);
      const hit = unchanged ? this.lookup(prepared) : undefined;
      if (hit) return { served: hit, cached: true };
    }
    this.counters.misses += 1;
    try {
      const served = await this.tokens.get(
        prepared.key,
        prepared.stamp,
        (shared) => this.produce(prepared, shared),
        prepared.stampNow,
        signal,
      );
      return { served, cached: false };
    } catch (error) {
      this.counters.errors += 1;
      throw error;
    }
  }

  // Every 20 s: renews tokens in use ahead of expiry and drops expired and idle entries.
  private maintain(): void {
    this.tokens.renewDue(RENEW_BEFORE_MS, RENEW_IF_USED_WITHIN_MS, (renewal) => {
      this.counters.renewals += 1;
      const settled = renewal.then(
        () => {},
        () => {
          this.counters.errors += 1;
        },
      );
      this.renewals.add(settled);
      void settled.finally(() => this.renewals.delete(settled));
    });
    this.tokens.sweep();
    this.credentials.sweep();
  }

  /** Resolves once the renewals under way have ended. */
  async renewed(): Promise<void> {
    while (this.renewals.size > 0) await Promise.all(this.renewals);
  }

  private scheduleMaintain(): void {
    this.maintainTimer = this.timers.setTimeout(() => {
      try {
        this.maintain();
      } catch {
        // A renewal's trouble shows on the next request for that token, not as the daemon's end.
      }
      this.scheduleMaintain();
    }, MAINTAIN_EVERY_MS);
  }

  /** One row per cached token; never the token or a key. */
  entries() {
    const now = this.options.now();
    return [...this.tokens.entries()].map((slot) => ({
      cluster: slot.value.clusterName,
      role: slot.value.roleArn ?? null,
      region: slot.value.region,
      expiresInSeconds: Math.max(0, Math.round((slot.value.expiresAt - now) / 1000)),
      hits: slot.hits,
    }));
  }

  /**
   * Keeps the credentials the plugin got by prompting for this request's MFA code (CredentialCache.hold
   * says which it takes); true when kept.
   */
  async hold(prepared: PreparedRequest, credentials: AwsCredentials): Promise<boolean> {
    const { request, env, cwd, identity, stamp, stampNow } = prepared;
    if (unreadableFile(identity.files, stamp)) return false;
    refreshSharedIni(awsFilePaths(env, cwd));
    const resolved = await this.names.resolve(request, callerMintDeps(env, [], this.options.now, cwd));
    return this.credentials.hold(resolved, identity, stamp, stampNow, credentials);
  }

  /** Forgets all tokens, credentials and remembered names; returns how many tokens there were. */
  flush(): number {
    this.credentials.clear();
    forgetSharedIni();
    this.names.clear();
    return this.tokens.clear();
  }

  /** Stops renewing and stops credential fetches still running. */
  close(): void {
    this.timers.clearTimeout(this.maintainTimer);
    this.credentials.close();
  }

  /** Looks a TXT name up again; true when it still names the cached token's cluster. */
  private recheckName(prepared: PreparedRequest, cached: CachedToken): Promise<boolean> {
    const running = this.rechecks.get(prepared.key);
    if (running) return running;
    const check = (async () => {
      try {
        const resolved = await this.names.resolve(
          prepared.request,
          callerMintDeps(prepared.env, cached.warnings.slice(), this.options.now, prepared.cwd),
        );
        if (resolved.clusterName === cached.clusterName) {
          this.nameRechecks.set(cached, resolved.nameCheckAt);
          return true;
        }
      } catch {
        // The miss path resolves again and reports the failure to the caller.
      }
      this.tokens.delete(prepared.key);
      return false;
    })().finally(() => this.rechecks.delete(prepared.key));
    this.rechecks.set(prepared.key, check);
    return check;
  }

  private async produce(prepared: PreparedRequest, signal: AbortSignal): Promise<CachedToken> {
    const { request, env, cwd, identity, stamp, stampNow } = prepared;
    const problem = unreadableFile(identity.files, stamp);
    if (problem) throw notForDaemon('aws-file', problem);
    refreshSharedIni(awsFilePaths(env, cwd));
    const warnings: string[] = [];
    const deps = callerMintDeps(env, warnings, this.options.now, cwd);
    const resolved = await this.names.resolve(request, deps);
    const credentials = await this.credentials.get(resolved, prepared, stamp, stampNow, signal);
    if (resolved.regionNote) warnings.push(resolved.regionNote);
    const mintedAt = this.options.now();
    // Keys from the caller's environment are in the key itself; fetched ones without expiry may change.
    const reuseUntil =
      credentials.expiration === undefined && identity.kind !== 'environment-keys'
        ? mintedAt + NO_EXPIRY_REUSE_MS
        : undefined;
    const minted = await signResolved(resolved, credentials, mintedAt);
    const { token, expiresAt, clusterName, region } = minted;
    return {
      token,
      expiresAt,
      mintedAt,
      clusterName,
      region,
      roleArn: request.roleArn,
      warnings,
      nameCheckAt: resolved.nameCheckAt,
      reuseUntil,
    };
  }
}
