import { performance } from 'node:perf_hooks';
import { EksTokenError } from '../shared/EksTokenError.js';
import type { Timers } from '../shared/Timers.js';
import { queryTxtRecord, type TxtQueryResponse } from './queryTxtRecord.js';
import {
  DEFAULT_RESOLV_CONF,
  type DnsServer,
  formatDnsServer,
  parseDnsServer,
  type ResolvConf,
  readResolvConf,
} from './readResolvConf.js';

/** Which servers to ask and how long to wait. */
export interface DnsQueryPlan {
  servers: DnsServer[];
  timeoutMs: number;
  attempts: number;
  budgetMs: number;
}

/** The settings the plan is built from (a subset of ResolveClusterNameOptions). */
export interface DnsPlanOptions {
  dnsServers?: string[];
  resolvConfPath?: string;
  timeoutMs?: number;
  attempts?: number;
  totalBudgetMs?: number;
}

const MAX_ATTEMPT_MS = 1000;
const DEFAULT_BUDGET_MS = 3000;
// glibc's defaults when resolv.conf says nothing.
const GLIBC_TIMEOUT_SECONDS = 5;
const GLIBC_ATTEMPTS = 2;
const GLIBC_FALLBACK_SERVER: DnsServer = { host: '127.0.0.1', port: 53 };

/** Builds the query plan from explicit servers or resolv.conf, capping its timeout at 1 s per attempt. */
export async function planDnsQueries(opts: DnsPlanOptions): Promise<DnsQueryPlan> {
  const explicit = (opts.dnsServers ?? []).map(parseDnsServer);
  const needConf = explicit.length === 0 || opts.timeoutMs === undefined || opts.attempts === undefined;
  let conf: ResolvConf = { nameservers: [] };
  if (needConf) {
    try {
      conf = await readResolvConf(opts.resolvConfPath ?? DEFAULT_RESOLV_CONF);
    } catch (error) {
      // Only the servers are indispensable; without the file's options the defaults do.
      if (explicit.length === 0) throw error;
    }
  }
  const servers = explicit.length > 0 ? explicit : conf.nameservers;
  return {
    servers: servers.length > 0 ? servers : [GLIBC_FALLBACK_SERVER],
    timeoutMs:
      opts.timeoutMs ?? Math.min((conf.timeoutSeconds ?? GLIBC_TIMEOUT_SECONDS) * 1000, MAX_ATTEMPT_MS),
    attempts: Math.max(1, opts.attempts ?? conf.attempts ?? GLIBC_ATTEMPTS),
    budgetMs: opts.totalBudgetMs ?? DEFAULT_BUDGET_MS,
  };
}

/**
 * Asks the servers in order, round after round as glibc does, until one answers NOERROR or NXDOMAIN.
 * SERVFAIL, REFUSED, silence and network errors say nothing about the record, so the next server
 * gets a chance; when all fail within the budget, E_DNS_FAILED names each server and its failure.
 */
export async function askDnsServers(
  record: string,
  { servers, timeoutMs, attempts, budgetMs }: DnsQueryPlan,
  debug: (line: string) => void,
  // Real timers by default, so the budget is measured on the monotonic clock, not the injected one.
  budgetClock: () => number = () => performance.now(),
  timers?: Timers,
): Promise<{ response: TxtQueryResponse; server: string }> {
  const started = budgetClock();
  const failures = new Map<string, string>();
  for (let attempt = 1; attempt <= attempts; attempt++) {
    for (const server of servers) {
      const label = formatDnsServer(server);
      const remaining = Math.floor(budgetMs - (budgetClock() - started));
      if (remaining <= 0) break;
      const timeout = Math.max(1, Math.min(timeoutMs, remaining));
      debug(`dns: asking ${label} for TXT ${record} (attempt ${attempt}/${attempts}, timeout ${timeout} ms)`);
      try {
        const response = await queryTxtRecord(record, server, timeout, debug, timers);
        const rcode = response.packet.rcode ?? 'NOERROR';
        if (rcode === 'NOERROR' || rcode === 'NXDOMAIN') return { response, server: label };
        debug(`dns: ${label} answered ${rcode}`);
        failures.set(label, `answered ${rcode}`);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const reason = code ? `failed with ${code}` : (error as Error).message;
        debug(`dns: ${label} ${reason}`);
        failures.set(label, reason);
      }
    }
  }
  const detail = [...failures].map(([label, reason]) => `${label} ${reason}`).join('; ');
  throw new EksTokenError(
    'E_DNS_FAILED',
    `DNS lookup of TXT record ${record} failed: ${detail || `no server asked within ${budgetMs} ms`}`,
    'check that the DNS server is reachable and serves the zone, or pass --dns-server HOST[:PORT]',
  );
}
