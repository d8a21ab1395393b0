import type { Answer, DecodedPacket, TxtData } from 'dns-packet';
import { sameDnsName } from './sameDnsName.js';

/** A decoded DNS response; dns-packet decodes the rcode but its types omit it. */
export type DnsResponse = DecodedPacket & { rcode?: string };

/** The TXT records a response holds for a name once CNAMEs inside its answer section are followed. */
export interface TxtAnswer {
  /** One value per TXT record, its character-strings joined. */
  values: Buffer[];
  /** Smallest TTL along the CNAME chain and the TXT records; the negative-caching TTL when none. */
  ttlSeconds: number;
  /** The names visited, starting with the one asked. */
  chain: string[];
}

// Real resolvers give up on longer chains; a loop in a broken or hostile answer must not spin.
const MAX_CNAME_HOPS = 16;

/** Extracts the TXT values for `name` from a response, following CNAMEs inside the answer section. */
export function extractTxtAnswer(packet: DnsResponse, name: string): TxtAnswer {
  const answers = (packet.answers ?? []).filter(
    (answer) => answer.type !== 'OPT' && (answer.class ?? 'IN') === 'IN',
  );
  const chain = [name];
  let current = name;
  let ttl = Number.POSITIVE_INFINITY;
  for (let hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
    const txt = answers.filter(
      (answer): answer is Answer & { type: 'TXT'; data: TxtData } =>
        answer.type === 'TXT' && sameDnsName(answer.name, current),
    );
    if (txt.length > 0) {
      for (const record of txt) ttl = Math.min(ttl, ttlOf(record));
      return { values: txt.map((record) => joinStrings(record.data)), ttlSeconds: ttl, chain };
    }
    const cname = answers.find((answer) => answer.type === 'CNAME' && sameDnsName(answer.name, current));
    if (cname?.type !== 'CNAME' || chain.some((seen) => sameDnsName(seen, cname.data))) break;
    ttl = Math.min(ttl, ttlOf(cname));
    current = cname.data;
    chain.push(current);
  }
  return { values: [], ttlSeconds: negativeTtl(packet), chain };
}

/** Joins the character-strings of one TXT record, which split long values into 255-byte chunks. */
export function joinStrings(data: TxtData): Buffer {
  const parts = Array.isArray(data) ? data : [data];
  return Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : part)));
}

function ttlOf(answer: Answer): number {
  return 'ttl' in answer && typeof answer.ttl === 'number' ? answer.ttl : 0;
}

// RFC 2308: a negative answer may be cached for the smaller of the SOA's TTL and its MINIMUM field.
function negativeTtl(packet: DnsResponse): number {
  const soa = packet.authorities?.find((answer) => answer.type === 'SOA');
  if (soa?.type !== 'SOA') return 0;
  return Math.min(ttlOf(soa), soa.data.minimum ?? 0);
}
