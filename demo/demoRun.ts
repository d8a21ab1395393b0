/**
 * Output and process helpers for the demo: everything printed goes through say(), which never lets a
 * token or a registered secret through, and every command is run with exactly the environment given.
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/** Strings that must never be printed (the test user's secret key); say() replaces them. */
const secrets: string[] = [];
let refusing = false;

/** From now on run() starts nothing (the demo is being stopped and cleaned up). */
export function refuseToRun(): void {
  refusing = true;
}

/** Registers a string say() must never print. */
export function keepSecret(secret: string): void {
  if (secret.length >= 8) secrets.push(secret);
}

/** The text with every EKS token shortened to `k8s-aws-v1.<N chars>` and every secret hidden. */
export function redact(text: string): string {
  let out = text.replace(/k8s-aws-v1\.[A-Za-z0-9_=-]*/g, (t) => `k8s-aws-v1.<${t.length - 11} chars>`);
  for (const secret of secrets) out = out.split(secret).join('<secret>');
  return out;
}

/** Prints lines to stdout, redacted. */
export function say(...lines: string[]): void {
  process.stdout.write(`${redact(lines.join('\n'))}\n`);
}

/** Prints a command's output indented under it. */
export function show(text: string, indent = '    '): void {
  const body = text.replace(/\n+$/, '');
  if (body) say(body.replace(/^/gm, indent));
}

/** A section heading. */
export function heading(title: string): void {
  say('', `== ${title} ==`);
}

/** What one command did. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit, ms. */
  ms: number;
}

/** Runs `command args` with exactly `env`; never rejects; killed after `timeoutMs`. */
export function run(
  command: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<RunResult> {
  const started = performance.now();
  if (refusing) return Promise.resolve({ code: 130, stdout: '', stderr: 'the demo is stopping', ms: 0 });
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const ms = () => performance.now() - started;
    child.on('error', (error) =>
      resolve({ code: 127, stdout, stderr: `${stderr}${error.message}`, ms: ms() }),
    );
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: ms() }));
  });
}

/** Throws with the command's stderr unless it exited 0. */
export function ok(r: RunResult, what: string): RunResult {
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}): ${redact(r.stderr.trim())}`);
  return r;
}

/**
 * Runs each series `runs` times, interleaved so that a slow moment hurts every series alike, after one
 * uncounted warm-up round (kubectl's discovery cache, the daemon's token); returns one line per series
 * with the median and range of wall ms. Throws if any run fails.
 */
export async function timeInterleaved(
  runs: number,
  series: Array<{ label: string; go: () => Promise<RunResult> }>,
): Promise<string[]> {
  const ms = series.map(() => [] as number[]);
  for (let i = 0; i <= runs; i++)
    for (const [n, s] of series.entries()) {
      const r = ok(await s.go(), s.label);
      if (i > 0) ms[n]?.push(r.ms);
    }
  const width = Math.max(...series.map((s) => s.label.length)) + 2;
  return series.map((s, n) => {
    const values = ms[n] ?? [];
    const range = `${Math.min(...values).toFixed(0)}-${Math.max(...values).toFixed(0)}`;
    return `  ${s.label.padEnd(width)}${median(values).toFixed(0).padStart(5)} ms  (${range})`;
  });
}

/** Median of the values (the lower middle for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
}

/** What `kubectl auth whoami` printed: its error, or its table without the Extra rows. */
export function whoamiOutput(r: RunResult): string {
  if (r.code !== 0) return r.stderr;
  return r.stdout
    .split('\n')
    .filter((line) => !line.startsWith('Extra: ') || line.startsWith('Extra: arn '))
    .join('\n');
}

/** The Username line of `kubectl auth whoami`'s table, or the error kubectl printed. */
export function whoamiSays(r: RunResult): string {
  if (r.code === 0) return /^Username\s+(\S+)/m.exec(r.stdout)?.[1] ?? r.stdout.trim();
  return r.stderr.trim().split('\n').pop() ?? `exit ${r.code}`;
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
