/**
 * The STS hostnames aws-iam-authenticator accepts inside a token, per partition, written independently of src/.
 */

/** A partition's id, region pattern, DNS suffix and optional dual-stack suffix. */
export interface StsPartition {
  id: string;
  regionPattern: RegExp;
  dnsSuffix: string;
  dualStackDnsSuffix?: string;
}

/** Partitions known to the test peers, with the region regexes the AWS SDK endpoint metadata uses. */
export const STS_PARTITIONS: readonly StsPartition[] = [
  {
    id: 'aws',
    regionPattern: /^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/,
    dnsSuffix: 'amazonaws.com',
    dualStackDnsSuffix: 'api.aws',
  },
  {
    id: 'aws-cn',
    regionPattern: /^cn-\w+-\d+$/,
    dnsSuffix: 'amazonaws.com.cn',
    dualStackDnsSuffix: 'api.amazonwebservices.com.cn',
  },
  {
    id: 'aws-us-gov',
    regionPattern: /^us-gov-\w+-\d+$/,
    dnsSuffix: 'amazonaws.com',
    dualStackDnsSuffix: 'api.aws',
  },
  { id: 'aws-iso', regionPattern: /^us-iso-\w+-\d+$/, dnsSuffix: 'c2s.ic.gov' },
  { id: 'aws-iso-b', regionPattern: /^us-isob-\w+-\d+$/, dnsSuffix: 'sc2s.sgov.gov' },
  { id: 'aws-iso-e', regionPattern: /^eu-isoe-\w+-\d+$/, dnsSuffix: 'cloud.adc-e.uk' },
  { id: 'aws-iso-f', regionPattern: /^us-isof-\w+-\d+$/, dnsSuffix: 'csp.hci.ic.gov' },
  { id: 'aws-eusc', regionPattern: /^eusc-(de)-\w+-\d+$/, dnsSuffix: 'amazonaws.eu' },
];

/** Regions with an sts-fips.<region>.amazonaws.com endpoint. */
export const STS_FIPS_REGIONS: readonly string[] = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2'];

/** Describes an allowed STS host: its signing region and partition; undefined when the host is not allowed. */
export function describeStsHost(host: string): { region: string; partition: string } | undefined {
  if (host === 'sts.amazonaws.com') return { region: 'us-east-1', partition: 'aws' };
  const fips = /^sts-fips\.([a-z0-9-]+)\.amazonaws\.com$/.exec(host);
  if (fips) {
    const region = fips[1] as string;
    return STS_FIPS_REGIONS.includes(region) ? { region, partition: 'aws' } : undefined;
  }
  const m = /^sts\.([a-z0-9-]+)\.(.+)$/.exec(host);
  if (!m) return undefined;
  const region = m[1] as string;
  const suffix = m[2] as string;
  for (const p of STS_PARTITIONS) {
    if (!p.regionPattern.test(region)) continue;
    if (suffix === p.dnsSuffix || suffix === p.dualStackDnsSuffix) return { region, partition: p.id };
  }
  return undefined;
}

/** True when aws-iam-authenticator would accept `host` (exact, case-sensitive, no port) as the token's STS host. */
export function isAllowedStsHost(host: string): boolean {
  return describeStsHost(host) !== undefined;
}
