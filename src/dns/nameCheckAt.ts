/**
 * When a cluster name read from a TXT record must be looked up again (epoch ms): `seconds` after
 * the question was asked (the record's TTL counts from then; the record may change right after the
 * server reads it). The one rule for every TXT re-check: a fresh answer's TTL, a remembered name's
 * retry while DNS is down.
 */
export function nameCheckAt(askedAt: number, seconds: number): number {
  return askedAt + seconds * 1000;
}
