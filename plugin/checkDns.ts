import { resolveClusterName } from '../src/dns/resolveClusterName.js';
import { formatErrorLine } from '../src/shared/EksTokenError.js';
import type { Check } from './formatCheck.js';

/** The TXT answer behind each dotted cluster id: the cluster name it names, or why there is none. */
export async function checkDns(
  ids: Array<{ clusterId: string; dnsServers?: string[] }>,
  now: () => number,
): Promise<Check[]> {
  const checks: Check[] = [];
  for (const { clusterId, dnsServers } of ids) {
    try {
      const name = await resolveClusterName(clusterId, { ...(dnsServers ? { dnsServers } : {}), now });
      checks.push({
        status: 'ok',
        area: 'dns',
        detail: `${clusterId} -> ${name.name} (TXT from ${name.server}, ttl ${name.ttlSeconds} s)`,
      });
    } catch (error) {
      checks.push({
        status: 'fail',
        area: 'dns',
        detail: formatErrorLine(error).replace(/^eks-token: /, ''),
      });
    }
  }
  return checks;
}
