/** Everything that decides which token is minted; the daemon keys its cache on this too. */
export interface TokenRequest {
  /** Cluster name, or a DNS name whose TXT record names the live cluster. */
  clusterId: string;
  roleArn?: string;
  externalId?: string;
  sessionName?: string;
  forwardSessionName?: boolean;
  region?: string;
  profile?: string;
  txtFallback?: 'literal';
  dnsServers?: string[];
}

/** How a field's value counts: as it is, or a flag whose absence counts as false. */
export type TokenRequestFieldKind = 'value' | 'flag';

/**
 * Every field of TokenRequest, once, in the order the daemon's cache key lists them. `satisfies`
 * makes a field added to the interface without an entry here a compile error.
 */
export const TOKEN_REQUEST_FIELDS = {
  clusterId: 'value',
  roleArn: 'value',
  externalId: 'value',
  sessionName: 'value',
  forwardSessionName: 'flag',
  region: 'value',
  profile: 'value',
  txtFallback: 'value',
  dnsServers: 'value',
} as const satisfies Record<keyof TokenRequest, TokenRequestFieldKind>;

/** A request's fields as a list, in the table's order (a flag as true or false): what keys it. */
export function tokenRequestFields(request: TokenRequest): unknown[] {
  return Object.entries(TOKEN_REQUEST_FIELDS).map(([field, kind]) => {
    const value = request[field as keyof TokenRequest];
    return kind === 'flag' ? value === true : value;
  });
}
