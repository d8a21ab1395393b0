import { EksTokenError } from '../shared/EksTokenError.js';
import { quoteValue } from '../shared/quoteValue.js';
import type { Timers } from '../shared/Timers.js';
import { askDnsServers, planDnsQueries } from './askDnsServers.js';
import { extractTxtAnswer } from './extractTxtAnswer.js';
import { isDnsClusterId, isValidClusterName } from './isValidClusterName.js';

/** How to resolve a dotted cluster id through its DNS TXT record. */
export interface ResolveClusterNameOptions {
  /** e.g. ['127.0.0.1:5353'] from --dns-server / EKS_TOKEN_DNS_SERVER; when absent, resolv.conf nameservers */
  dnsServers?: string[];
  /** Default /etc/resolv.conf (tests inject). */
  resolvConfPath?: string;
  /** --txt-fallback=literal: NXDOMAIN or no TXT data uses the input literally, as the old wrapper did. */
  txtFallback?: 'literal';
  /** Injected clock (ms), for validUntil. */
  now: () => number;
  /** --debug: server asked, answer, TTL, name chosen. */
  debug?: (line: string) => void;
  /** Per attempt; default resolv.conf timeout capped at 1 s. */
  timeoutMs?: number;
  /** Rounds over all servers; default resolv.conf attempts (2). */
  attempts?: number;
  /** Wall-clock budget for all attempts; default 3 s. */
  totalBudgetMs?: number;
  /** The budget's monotonic clock (ms); default performance.now. */
  budgetClock?: () => number;
  /** The per-attempt timeouts' timers; default Node's (then budgetClock should stay real too). */
  timers?: Timers;
}

/** The cluster name to put in the token and where it came from. */
export interface ResolvedClusterName {
  name: string;
  source: 'literal' | 'txt' | 'fallback';
  record?: string;
  ttlSeconds?: number;
  /** epoch ms after which the record may have changed */
  validUntil?: number;
  server?: string;
}

const DNS_LABEL = /^[A-Za-z0-9_-]{1,63}$/;
// A zero or tiny TTL would make kubectl ask for a token on nearly every request.
const MIN_VALIDITY_SECONDS = 30;

/** Resolves a cluster id: plain names as they are, dotted ones through their TXT record. */
export async function resolveClusterName(
  id: string,
  opts: ResolveClusterNameOptions,
): Promise<ResolvedClusterName> {
  if (!isDnsClusterId(id)) return { name: id, source: 'literal' };
  const debug = opts.debug ?? (() => {});
  const record = recordName(id);
  // The answer's TTL counts from the question: the record may change right after the server reads it.
  const askedAt = opts.now();
  const { response, server } = await askDnsServers(
    record,
    await planDnsQueries(opts),
    debug,
    opts.budgetClock,
    opts.timers,
  );
  const answer = extractTxtAnswer(response.packet, record);
  const ttlSeconds = answer.ttlSeconds;
  const validUntil = askedAt + Math.max(ttlSeconds, MIN_VALIDITY_SECONDS) * 1000;
  const rcode = response.packet.rcode ?? 'NOERROR';
  debug(
    `dns: ${server} answered ${rcode} over ${response.transport}: ${answer.chain.join(' -> ')} ` +
      `TXT [${answer.values.map((value) => quoteValue(value)).join(', ')}] ttl ${ttlSeconds} s`,
  );
  if (answer.values.length === 0) {
    if (opts.txtFallback === 'literal') {
      debug(`dns: no TXT record at ${record}, using ${quoteValue(id)} literally (--txt-fallback=literal)`);
      return { name: id, source: 'fallback', record, ttlSeconds, validUntil, server };
    }
    throw new EksTokenError(
      'E_NO_TXT_RECORD',
      rcode === 'NXDOMAIN'
        ? `DNS name ${record} does not exist (NXDOMAIN from ${server}), so it holds no cluster name`
        : `DNS name ${record} has no TXT record holding a cluster name (asked ${server})`,
      'publish the live cluster name as a TXT record there, pass the plain cluster name, or use --txt-fallback=literal',
    );
  }
  const invalid = answer.values.find((value) => !isValidClusterName(value.toString('latin1')));
  if (invalid) {
    throw new EksTokenError(
      'E_BAD_TXT_RECORD',
      `TXT record ${record} (from ${server}) holds ${quoteValue(invalid)}, which is not a valid EKS cluster name`,
      'set the record to the live cluster name: letters, digits, - and _, at most 100 characters',
    );
  }
  const names = [...new Set(answer.values.map((value) => value.toString('latin1')))];
  if (names.length > 1) {
    throw new EksTokenError(
      'E_AMBIGUOUS_TXT_RECORD',
      `TXT record ${record} (from ${server}) names ${names.length} clusters: ${names.slice(0, 5).join(', ')}`,
      'keep exactly one TXT record naming the live cluster',
    );
  }
  const name = names[0] as string;
  debug(`dns: cluster name ${name} from TXT ${record}, valid until ${new Date(validUntil).toISOString()}`);
  return { name, source: 'txt', record, ttlSeconds, validUntil, server };
}

// The name is asked as given, absolute: a search list could turn eks.example.com into a wrong record.
function recordName(id: string): string {
  const name = id.endsWith('.') ? id.slice(0, -1) : id;
  if (name.length > 253 || !name.split('.').every((label) => DNS_LABEL.test(label))) {
    throw new EksTokenError(
      'E_BAD_CLUSTER_ID',
      `cluster id ${quoteValue(id)} contains a dot, so it names a DNS TXT record, but it is not a valid DNS name`,
      'pass the plain EKS cluster name, or the DNS name whose TXT record holds it',
    );
  }
  return name;
}
