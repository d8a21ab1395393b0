import { EksTokenError, isEksTokenError } from '../src/shared/EksTokenError.js';

/** Why the daemon left a call to the plugin, for E_NOT_FOR_DAEMON errors that carry one. */
export type UnservedReason =
  | 'not-a-plain-call'
  | 'plugin-reports-error'
  | 'daemon-off'
  | 'aws-file'
  | 'no-working-directory';

/** E_NOT_FOR_DAEMON: the plugin runs this call itself, for `reason` (counted in daemon status). */
export function notForDaemon(reason: UnservedReason, why: string): EksTokenError {
  return Object.assign(new EksTokenError('E_NOT_FOR_DAEMON', `for the plugin to run itself: ${why}`), {
    reason,
  });
}

/**
 * Calls the daemon did not serve though it runs, by reason: a refused line (too-long, busy,
 * bad-request), a reason of E_NOT_FOR_DAEMON, or the code of any other error answer. The reasons
 * are a fixed set and error codes, so the counts stay small.
 */
export class UnservedCounts {
  private readonly counts = new Map<string, number>();

  /** Counts one call left to the plugin for `reason`. */
  add(reason: string): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
  }

  /** Counts one error answer by its reason or code. */
  addError(error: unknown): void {
    const reason = isEksTokenError(error)
      ? ((error as { reason?: unknown }).reason ?? error.code)
      : 'internal';
    this.add(typeof reason === 'string' ? reason : 'internal');
  }

  /** The counts as an object, reasons sorted. */
  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => (a < b ? -1 : 1)));
  }
}
