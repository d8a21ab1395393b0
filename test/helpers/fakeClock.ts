/** A clock and timers that move only when a test moves them: `now` for `now()`, `timers` for Timers. */
export class FakeClock {
  private readonly pending = new Map<number, { at: number; run: () => void }>();
  private nextId = 1;

  constructor(private t: number) {}

  /** The injected clock. */
  readonly now = (): number => this.t;

  /** The injected timers (setTimeout/clearTimeout), firing only inside advance(). */
  readonly timers = {
    setTimeout: (run: () => void, ms: number): unknown => {
      const id = this.nextId++;
      this.pending.set(id, { at: this.t + Math.max(0, ms), run });
      return id;
    },
    clearTimeout: (timer: unknown): void => {
      this.pending.delete(timer as number);
    },
  };

  /** Timers armed and not yet fired. */
  get armed(): number {
    return this.pending.size;
  }

  /** When the earliest armed timer is due, if any. */
  nextDue(): number | undefined {
    let at: number | undefined;
    for (const timer of this.pending.values()) if (at === undefined || timer.at < at) at = timer.at;
    return at;
  }

  /** Moves time forward, firing each timer due by then at its own time, earliest first. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let due: [number, { at: number; run: () => void }] | undefined;
      for (const entry of this.pending)
        if (entry[1].at <= end && (!due || entry[1].at < due[1].at)) due = entry;
      if (!due) break;
      this.pending.delete(due[0]);
      this.t = Math.max(this.t, due[1].at);
      due[1].run();
    }
    this.t = end;
  }
}

/**
 * Resolves once `check()` holds, looking again after each turn of the event loop (no timer), for
 * what a real peer does meanwhile (a datagram arriving); rejects after `turns` looks.
 */
export async function untilTrue(check: () => boolean, detail = '', turns = 100_000): Promise<void> {
  for (let turn = 0; turn < turns; turn++) {
    if (check()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`still not true after ${turns} event loop turns${detail ? `: ${detail}` : ''}`);
}
