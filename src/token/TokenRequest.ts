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
