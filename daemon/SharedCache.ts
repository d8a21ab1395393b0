import { SharedAbort } from './SharedAbort.js';

/** Makes a value; `signal` aborts once no caller waits for it any more. */
export type Produce<V> = (signal: AbortSignal) => Promise<V>;

/** What the cache needs to know about its values and clock. */
export interface CachePolicy<V> {
  maxEntries: number;
  now: () => number;
  /** Until when (epoch ms) a value is handed out as it is. */
  freshUntil: (value: V) => number;
  /** When a value becomes useless; sweeps drop it then. */
  expiresAt: (value: V) => number;
  /** Entries unused this long are dropped by sweeps. */
  idleMs: number;
}

/** A value with its bookkeeping, as status reports it. */
export interface CacheSlot<V> {
  value: V;
  /** Which version of the source files the value was made from. */
  stamp: string;
  lastUsed: number;
  hits: number;
  produce: Produce<V>;
  /** The source files' current version, checked before renewing. */
  stampNow: () => string;
  renewing?: boolean;
}

/**
 * A bounded LRU of values that are expensive to make (tokens, credentials). Callers asking for the
 * same key while its value is being made share that one promise; renewal replaces values ahead of
 * expiry for keys still in use. Failures are never cached.
 */
export class SharedCache<V> {
  private readonly slots = new Map<string, CacheSlot<V>>();
  private readonly inflight = new Map<string, { promise: Promise<V>; abort: SharedAbort }>();

  constructor(private readonly policy: CachePolicy<V>) {}

  /** A fresh value made under `stamp`, or undefined; counts as a hit for the entry. */
  peek(key: string, stamp: string): V | undefined {
    const slot = this.slots.get(key);
    const now = this.policy.now();
    if (!slot || slot.stamp !== stamp || now >= this.policy.freshUntil(slot.value)) return undefined;
    // Map iteration follows insertion order: re-inserting makes the first entry the least recently used.
    this.slots.delete(key);
    this.slots.set(key, slot);
    slot.lastUsed = now;
    slot.hits += 1;
    return slot.value;
  }

  /**
   * The fresh value, or the one being made for the same key and stamp, or a new one from `produce`.
   * `signal` aborts when this caller has gone; the making is aborted once every caller has gone.
   */
  get(
    key: string,
    stamp: string,
    produce: Produce<V>,
    stampNow: () => string,
    signal?: AbortSignal,
  ): Promise<V> {
    const fresh = this.peek(key, stamp);
    if (fresh !== undefined) return Promise.resolve(fresh);
    const flight = this.inflight.get(flightKey(key, stamp));
    // One that everybody left is ending with an abort: a new caller gets a new one.
    if (!flight || flight.abort.signal.aborted) return this.start(key, stamp, produce, stampNow, signal);
    flight.abort.join(signal);
    return flight.promise;
  }

  /** The stored value whether fresh or not, without counting a use. */
  current(key: string): V | undefined {
    return this.slots.get(key)?.value;
  }

  /** Forgets one entry. */
  delete(key: string): void {
    this.slots.delete(key);
  }

  /** Starts renewing values used within `usedWithinMs` that expire within `renewBeforeMs`. */
  renewDue(renewBeforeMs: number, usedWithinMs: number, onRenew: (promise: Promise<V>) => void): void {
    const now = this.policy.now();
    for (const [key, slot] of this.slots) {
      if (slot.renewing || now - slot.lastUsed > usedWithinMs) continue;
      if (this.policy.expiresAt(slot.value) - now >= renewBeforeMs) continue;
      const stamp = slot.stampNow();
      // Made from files that changed since: drop it rather than renew what they no longer say.
      if (stamp !== slot.stamp) this.slots.delete(key);
      else if (!this.inflight.has(flightKey(key, stamp))) {
        slot.renewing = true;
        onRenew(this.start(key, stamp, slot.produce, slot.stampNow, undefined));
      }
    }
  }

  /** Drops expired and idle entries. */
  sweep(): void {
    const now = this.policy.now();
    for (const [key, slot] of this.slots) {
      if (now >= this.policy.expiresAt(slot.value) || now - slot.lastUsed > this.policy.idleMs) {
        this.slots.delete(key);
      }
    }
  }

  /** Every entry, least recently used first. */
  entries(): IterableIterator<CacheSlot<V>> {
    return this.slots.values();
  }

  /** Number of entries. */
  get size(): number {
    return this.slots.size;
  }

  /** Forgets every entry (values being made still reach their callers, then are stored). */
  clear(): number {
    const count = this.slots.size;
    this.slots.clear();
    return count;
  }

  private start(
    key: string,
    stamp: string,
    produce: Produce<V>,
    stampNow: () => string,
    signal: AbortSignal | undefined,
  ): Promise<V> {
    const id = flightKey(key, stamp);
    const abort = new SharedAbort();
    abort.join(signal);
    const flight = { abort, promise: undefined as unknown as Promise<V> };
    flight.promise = (async () => {
      try {
        const value = await produce(abort.signal);
        const old = this.slots.get(key);
        this.slots.delete(key);
        this.slots.set(key, {
          value,
          stamp,
          lastUsed: old?.lastUsed ?? this.policy.now(),
          hits: old?.hits ?? 0,
          produce,
          stampNow,
        });
        for (const oldest of this.slots.keys()) {
          if (this.slots.size <= this.policy.maxEntries) break;
          this.slots.delete(oldest);
        }
        return value;
      } finally {
        if (this.inflight.get(id) === flight) this.inflight.delete(id);
        const slot = this.slots.get(key);
        if (slot) slot.renewing = false;
      }
    })();
    this.inflight.set(id, flight);
    return flight.promise;
  }
}

function flightKey(key: string, stamp: string): string {
  return `${key}\n${stamp}`;
}
