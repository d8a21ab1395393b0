import { EksTokenError } from '../src/shared/EksTokenError.js';

/**
 * The abort signal of work several clients wait for (a token or credential fetch shared by every
 * caller of one key): it aborts once every waiter that can leave has left. A waiter without a signal
 * (the daemon's own renewal) never leaves, so the work then always runs to its end.
 */
export class SharedAbort {
  private readonly controller = new AbortController();
  private waiting = 0;
  private pinned = false;

  /** Aborted when nobody waits any more. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Counts one more waiter, who leaves when `signal` aborts (never, without one). */
  join(signal: AbortSignal | undefined): void {
    if (signal === undefined) {
      this.pinned = true;
      return;
    }
    // A waiter already gone counts as one who joined and left at once.
    this.waiting += 1;
    if (signal.aborted) this.leave();
    else signal.addEventListener('abort', () => this.leave(), { once: true });
  }

  private leave(): void {
    this.waiting -= 1;
    if (this.waiting > 0 || this.pinned || this.controller.signal.aborted) return;
    this.controller.abort(new EksTokenError('E_CLIENT_GONE', 'no client waits for this any more'));
  }
}
