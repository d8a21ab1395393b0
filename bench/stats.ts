/** Median of a list of numbers (0 for an empty list). */
export function median(values: number[]): number {
  return percentile(values, 50);
}

/** The p-th percentile (nearest rank) of a list of numbers. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? 0;
}

/**
 * The median with a distribution-free ~95% interval: the order statistics n/2 -+ 0.98 sqrt(n)
 * (the sign test's bounds), so no assumption about how the samples spread.
 */
export function medianInterval(values: number[]): { median: number; low: number; high: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const at = (rank: number) => sorted[Math.min(n - 1, Math.max(0, Math.round(rank)))] ?? 0;
  const half = 0.98 * Math.sqrt(n);
  return { median: median(values), low: at(n / 2 - half - 1), high: at(n / 2 + half) };
}
