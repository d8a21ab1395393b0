import { readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tokenRequestLine } from '../daemon/protocol.js';
import type { TokenRequest } from '../src/parseCommandLine.js';
import { percentile } from './stats.js';

/** Throughput and latency of the daemon at one concurrency level. */
export interface LoadResult {
  clients: number;
  requests: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Open loop only: from connecting to the answer, leaving out the load generator's own lateness. */
  serviceP50Ms?: number;
  serviceP99Ms?: number;
}

/** One plugin-style exchange: connect, send a line, read a line, close. Returns ms. */
function exchange(socketPath: string, line: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const socket = createConnection(socketPath);
    let got = '';
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(line));
    socket.on('data', (d: string) => {
      got += d;
      // The daemon may first say it is fetching credentials; the answer is the line with "ok".
      const answer = got.split('\n').find((l) => l.includes('"ok":'));
      if (!answer) return;
      socket.destroy();
      if (!answer.includes('"ok":true')) reject(new Error(`daemon answered ${answer.slice(0, 200)}`));
      else resolve(Number(process.hrtime.bigint() - start) / 1e6);
    });
    socket.on('error', reject);
  });
}

/** Runs `clients` concurrent request loops for `durationMs` against cache hits. */
export async function loadDaemon(
  socketPath: string,
  request: TokenRequest,
  env: Record<string, string>,
  clients: number,
  durationMs: number,
): Promise<LoadResult> {
  const line = tokenRequestLine(request, env);
  await exchange(socketPath, line);
  const latencies: number[] = [];
  const end = Date.now() + durationMs;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (Date.now() < end) latencies.push(await exchange(socketPath, line));
    }),
  );
  return summarize(clients, latencies, (Date.now() - started) / 1000);
}

/**
 * Open loop: `clients` connections' worth of callers issuing `ratePerSecond` requests in all, each
 * timed from when it was due (so a slow answer also delays the ones queued behind it).
 */
export async function paceDaemon(
  socketPath: string,
  request: TokenRequest,
  env: Record<string, string>,
  clients: number,
  ratePerSecond: number,
  durationMs: number,
): Promise<LoadResult> {
  const line = tokenRequestLine(request, env);
  await exchange(socketPath, line);
  const latencies: number[] = [];
  const service: number[] = [];
  const interval = (1000 * clients) / ratePerSecond;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let due = started + (c * interval) / clients; due < started + durationMs; due += interval) {
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        service.push(await exchange(socketPath, line));
        latencies.push(performance.now() - due);
      }
    }),
  );
  const result = summarize(clients, latencies, (performance.now() - started) / 1000);
  return { ...result, serviceP50Ms: percentile(service, 50), serviceP99Ms: percentile(service, 99) };
}

function summarize(clients: number, latencies: number[], seconds: number): LoadResult {
  return {
    clients,
    requests: latencies.length,
    perSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
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
        exchange(socketPath, tokenRequestLine({ clusterId: `bench-${i + j}`, region: 'eu-west-1' }, env)),
      ),
    );
  }
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}
