/**
 * Preload for `node -r` (through NODE_OPTIONS): every DNS lookup of an `*.amazonaws.com` name fails
 * with ENOTFOUND, as offline, and the name is appended to AWS_LOOKUP_LOG, so a test sees which AWS
 * endpoint a run chose without any network.
 */
import dns = require('node:dns');
import fs = require('node:fs');

const log = process.env.AWS_LOOKUP_LOG;
if (log) {
  const original = dns.lookup;
  const lookup = (hostname: string, ...rest: unknown[]) => {
    if (!hostname.endsWith('.amazonaws.com')) return Reflect.apply(original, dns, [hostname, ...rest]);
    fs.appendFileSync(log, `${hostname}\n`);
    const done = rest.at(-1) as (error: Error) => void;
    const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
      code: 'ENOTFOUND',
      syscall: 'getaddrinfo',
      hostname,
    });
    process.nextTick(done, error);
    return {};
  };
  Object.defineProperty(dns, 'lookup', { value: lookup, writable: true, configurable: true });
}
