import { spawnSync } from 'node:child_process';
import { median } from './stats.js';

/** One command line to time, with the variables it runs under. */
export interface StartupCase {
  name: string;
  command: string[];
  env: Record<string, string | undefined>;
}

/** Median wall time per case, in ms, and every sample. */
export interface StartupResult {
  name: string;
  medianMs: number;
  samples: number[];
}

/**
 * Times every case once per round, rotating the order each round, so that machine noise
 * lands on all cases alike (interleaved, in one run) instead of on whichever ran last.
 */
export function timeStartup(cases: StartupCase[], rounds: number, warmup = 2): StartupResult[] {
  const samples = cases.map(() => [] as number[]);
  for (let round = -warmup; round < rounds; round++) {
    for (let k = 0; k < cases.length; k++) {
      const i = (k + Math.max(round, 0)) % cases.length;
      const c = cases[i];
      if (!c) continue;
      const [file, ...args] = c.command;
      const start = process.hrtime.bigint();
      // Pipes for stdout and stderr, as kubectl gives a plugin: Node builds costlier streams on pipes.
      const r = spawnSync(file ?? 'false', args, { env: c.env, stdio: ['ignore', 'pipe', 'pipe'] });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (r.status !== 0)
        throw new Error(`${c.name} failed (${r.status}): ${r.stderr?.toString().slice(0, 300)}`);
      if (round >= 0) samples[i]?.push(ms);
    }
  }
  return cases.map((c, i) => ({
    name: c.name,
    medianMs: median(samples[i] ?? []),
    samples: samples[i] ?? [],
  }));
}

/** Several blocks' results as one: each case's samples pooled, its median over all of them. */
export function poolStartup(blocks: StartupResult[][]): StartupResult[] {
  return (blocks[0] ?? []).map((first) => {
    const samples = blocks.flatMap((b) => b.find((r) => r.name === first.name)?.samples ?? []);
    return { name: first.name, medianMs: median(samples), samples };
  });
}
