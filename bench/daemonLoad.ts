import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { DAEMON_NODE_FLAGS } from '../plugin/spawnDaemon.js';
import { execRequestLine } from '../src/protocol/DaemonRequest.js';

/** Throughput and latency of the daemon at one load. */
export interface LoadResult {
  clients: number;
  requests: number;
  perSecond: number;
  /** Closed loop: per request. Open loop: from when each request was due. */
  p50Ms: number;
  p99Ms: number;
  /** From connecting to the answer. */
  serviceP50Ms: number;
  serviceP99Ms: number;
}

/** Builds bench/socketLoad.c (a C generator: no GC of its own in the daemon's latency) into `dir`. */
export function buildSocketLoad(root: string, dir: string): string {
  const binary = join(dir, 'socketLoad');
  execFileSync('cc', ['-O2', '-pthread', '-o', binary, join(root, 'bench/socketLoad.c')], {
    stdio: 'inherit',
  });
  return binary;
}

/**
 * Runs the generator, every connection sending `requestLine` (as the plugin would: see
 * execRequestLine): `ratePerSecond` 0 is a closed loop, otherwise an open loop at that rate.
 */
export function loadDaemon(
  generator: string,
  socketPath: string,
  requestLine: string,
  load: { clients: number; ratePerSecond: number; durationMs: number },
): LoadResult {
  const requestFile = `${generator}.request`;
  writeFileSync(requestFile, requestLine, { mode: 0o600 });
  const args = [socketPath, requestFile, load.clients, load.ratePerSecond, load.durationMs].map(String);
  const [requests = 0, seconds = 1, p50, p99, s50, s99] = execFileSync(generator, args, { encoding: 'utf8' })
    .trim()
    .split(' ')
    .map(Number);
  return {
    clients: load.clients,
    requests,
    perSecond: requests / seconds,
    p50Ms: p50 ?? 0,
    p99Ms: p99 ?? 0,
    serviceP50Ms: s50 ?? 0,
    serviceP99Ms: s99 ?? 0,
  };
}

/** The runs of one load, in the order they ran, and the middle one. */
export interface LoadRuns {
  middle: LoadResult;
  runs: LoadResult[];
}

/**
 * Runs each load `times` times, interleaved (a, b, a, b, ...) so drift hits all of them alike, and
 * keeps each one's middle run (by throughput in a closed loop, by p99 in an open one): on a shared
 * 2-vCPU VM one run can land on a neighbour's burst.
 */
export function medianLoads(loads: (() => LoadResult)[], times: number, open: boolean): LoadRuns[] {
  const runs: LoadResult[][] = loads.map(() => []);
  for (let i = 0; i < times; i++) for (const [k, load] of loads.entries()) runs[k]?.push(load());
  return runs.map((r) => {
    const sorted = [...r].sort((a, b) => (open ? a.p99Ms - b.p99Ms : a.perSecond - b.perSecond));
    const middle = sorted[Math.floor(sorted.length / 2)];
    if (!middle) throw new Error('medianLoads needs at least one run');
    return { middle, runs: r };
  });
}

/** One plugin-style exchange from Node, resolving to the answer line (newline included). */
function exchange(socketPath: string, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    let got = '';
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(line));
    socket.on('data', (d: string) => {
      got += d;
      // Whole lines only: the last piece may be a line still arriving.
      const answer = got
        .split('\n')
        .slice(0, -1)
        .find((l) => l.includes('"ok":'));
      if (!answer) return;
      socket.destroy();
      if (answer.includes('"ok":true')) resolve(`${answer}\n`);
      else reject(new Error(`daemon answered ${answer.slice(0, 200)}`));
    });
    socket.on('error', reject);
  });
}

/** The daemon's answer line to `requestLine` (after any `pending` line), for the floor server to repeat. */
export function answerLine(socketPath: string, requestLine: string): Promise<string> {
  return exchange(socketPath, requestLine);
}

/** Starts bench/floorServer with the daemon's Node flags, resolving once it listens on `socketPath`. */
export function startFloorServer(
  script: string,
  socketPath: string,
  answerFile: string,
): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, script, socketPath, answerFile], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let got = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (d: string) => {
      got += d;
      if (got.includes('ready\n')) resolve(child);
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => reject(new Error(`floor server exited (${signal ?? code})`)));
  });
}

/** Fills the cache with `count` distinct keys, returning the daemon's resident set size in MB after. */
export async function rssWithKeys(
  socketPath: string,
  pid: number,
  env: Record<string, string>,
  count: number,
): Promise<number> {
  for (let i = 0; i < count; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, count - i) }, (_, j) =>
        exchange(
          socketPath,
          execRequestLine(['token', '-i', `bench-${i + j}`, '--region', 'eu-west-1', '--daemon', 'on'], env),
        ),
      ),
    );
  }
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return kb / 1024;
}
