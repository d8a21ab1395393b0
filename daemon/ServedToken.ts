/** A token as the service hands it out; never changed once made (the daemon keys its answer lines on it). */
export interface ServedToken {
  readonly token: string;
  /** Epoch ms, as the in-process plugin would report it. */
  readonly expiresAt: number;
  readonly clusterName: string;
  /** Notes the in-process plugin would have printed on stderr. */
  readonly warnings: readonly string[];
}

/** What `mint` gives: the token, and whether it was in the cache after all (its name checked again). */
export interface MintedAnswer {
  served: ServedToken;
  cached: boolean;
}

/** A token as the cache keeps it: what it was made from and until when it may be served. */
export interface CachedToken extends ServedToken {
  readonly mintedAt: number;
  readonly region: string;
  readonly roleArn: string | undefined;
  /** For a TXT name: when its record's TTL ends and the name must be looked up again. */
  readonly nameCheckAt: number | undefined;
  /** Signed with credentials without an expiry from a fetch: served no longer than they are reused. */
  readonly reuseUntil: number | undefined;
}
