import type { PreparedExec } from './prepareExec.js';
import type { PreparedRequest } from './prepareRequest.js';

// Shells repeat the same request line; this many are remembered already parsed and keyed, as long
// as they hold no more bytes than this in all (one environment may be megabytes).
const PREPARED_LINES = 256;
const PREPARED_BYTES = 8 * 1024 * 1024;
/**
 * How long one look at the AWS files' version serves repeated lines. Far below the time any edit
 * takes to reach the daemon through kubectl and the plugin (> 50 ms), so edits still always count.
 */
export const STAMP_REUSE_MS = 20;

/** A request line made ready: its token request and cache key, and how its answer is rendered. */
export interface PreparedLine {
  prepared: PreparedRequest;
  answer: Pick<PreparedExec, 'renderKey' | 'render'>;
}

/**
 * Request lines seen before, parsed, validated and keyed (a third of a hit's CPU), bounded by count
 * and bytes; a line is given back only while the AWS files its source reads are unchanged.
 */
export class PreparedLines {
  private readonly lines = new Map<string, PreparedLine & { stampedAt: number }>();
  private bytes = 0;

  constructor(private readonly now: () => number) {}

  /** The line made ready before, or undefined: never seen, forgotten, or its files changed since. */
  get(line: string): PreparedLine | undefined {
    const known = this.lines.get(line);
    if (!known) return undefined;
    const now = this.now();
    if (now - known.stampedAt >= STAMP_REUSE_MS || now < known.stampedAt) {
      // Changed files may select another credential source: then the line is keyed afresh.
      if (known.prepared.stampNow() !== known.prepared.stamp) {
        this.forget(line);
        return undefined;
      }
      known.stampedAt = now;
    }
    return known;
  }

  /** Remembers a line made ready now; the oldest go first past the bounds. */
  remember(line: string, entry: PreparedLine): void {
    if (line.length > PREPARED_BYTES / 4) return;
    this.forget(line);
    this.lines.set(line, { ...entry, stampedAt: this.now() });
    this.bytes += line.length;
    while (this.lines.size > PREPARED_LINES || this.bytes > PREPARED_BYTES) {
      const oldest = this.lines.keys().next();
      if (oldest.done) break;
      this.forget(oldest.value);
    }
  }

  /** Forgets every line (`daemon flush`). */
  clear(): void {
    this.lines.clear();
    this.bytes = 0;
  }

  private forget(line: string): void {
    if (this.lines.delete(line)) this.bytes -= line.length;
  }
}
