/** Timer scheduling, as setTimeout/clearTimeout; tests pass a fake clock's (test/helpers/fakeClock.ts). */
export interface Timers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
}

/** Node's own timers (referenced: a pending one keeps the process alive). */
export const nodeTimers: Timers = {
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
};

/** Node's timers, unreferenced: a pending one never keeps a service alive. */
export const unrefTimers: Timers = {
  setTimeout: (run, ms) => setTimeout(run, ms).unref(),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
};
