import { isDnsClusterId } from '../src/dns/isValidClusterName.js';
import { nameCheckAt } from '../src/dns/nameCheckAt.js';
import { isEksTokenError } from '../src/shared/EksTokenError.js';
import { type MintDeps, type ResolvedRequest, resolveRequest } from '../src/token/mintToken.js';
import type { TokenRequest } from '../src/token/TokenRequest.js';

const KEEP_MS = 60 * 60_000;
// A token from a remembered name lasts a few minutes: kubectl stays fast while DNS is down and
// asks again soon enough to pick up a changed record once DNS is back.
const STALE_VALIDITY_MS = 5 * 60_000;
const MAX_NAMES = 512;
// While DNS is down, a cache asks again this often so it sees the record as soon as DNS is back.
const RECHECK_SECONDS = 30;

/**
 * resolveRequest with a memory: the last good TXT answer per DNS name is kept for an hour and used,
 * with a warning for the caller's stderr, when a later lookup fails (E_DNS_FAILED only: a missing or
 * bad record is an answer, not an outage).
 */
export class LastGoodNames {
  private readonly names = new Map<string, { name: string; at: number }>();

  /** Resolves `request` like the plugin does, falling back to a remembered name when DNS is down. */
  async resolve(request: TokenRequest, deps: MintDeps): Promise<ResolvedRequest> {
    const id = isDnsClusterId(request.clusterId)
      ? JSON.stringify([request.clusterId, request.dnsServers ?? [], request.txtFallback ?? ''])
      : undefined;
    try {
      const resolved = await resolveRequest(request, deps);
      if (id) this.remember(id, resolved.clusterName, deps.now());
      return resolved;
    } catch (error) {
      const known = id ? this.names.get(id) : undefined;
      const now = deps.now();
      if (!known || !isEksTokenError(error) || error.code !== 'E_DNS_FAILED' || now - known.at > KEEP_MS)
        throw error;
      const resolved = await resolveRequest({ ...request, clusterId: known.name }, deps);
      const minutes = Math.round((now - known.at) / 60_000);
      deps.log(
        `eks-token: warning: ${error.message}; using cluster name ${known.name} from the last good answer ${minutes} min ago`,
      );
      return {
        ...resolved,
        clusterId: request.clusterId,
        nameValidUntil: now + STALE_VALIDITY_MS,
        nameCheckAt: nameCheckAt(now, RECHECK_SECONDS),
      };
    }
  }

  /** Forgets every remembered name. */
  clear(): void {
    this.names.clear();
  }

  private remember(id: string, name: string, at: number): void {
    this.names.delete(id);
    this.names.set(id, { name, at });
    const oldest = this.names.keys().next();
    if (this.names.size > MAX_NAMES && !oldest.done) this.names.delete(oldest.value);
  }
}
