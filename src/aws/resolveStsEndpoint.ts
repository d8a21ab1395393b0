import { EksTokenError } from '../shared/EksTokenError.js';

/** An AWS partition as far as STS host names are concerned. */
export interface Partition {
  id: string;
  regionPattern: RegExp;
  dnsSuffix: string;
  /** Suffix for dual-stack hosts, where aws-iam-authenticator's server accepts them. */
  dualStackDnsSuffix?: string;
  /** Regions with a published `sts-fips.<region>` host. */
  fipsRegions: readonly string[];
  /** The partition's FIPS hosts are its regular regional hosts (GovCloud). */
  regionalIsFips?: boolean;
}

/** Partitions in the order the AWS SDK matches them (aws-us-gov before aws). */
export const PARTITIONS: readonly Partition[] = [
  {
    id: 'aws-us-gov',
    regionPattern: /^us-gov-\w+-\d+$/,
    dnsSuffix: 'amazonaws.com',
    dualStackDnsSuffix: 'api.aws',
    fipsRegions: [],
    regionalIsFips: true,
  },
  { id: 'aws-iso', regionPattern: /^us-iso-\w+-\d+$/, dnsSuffix: 'c2s.ic.gov', fipsRegions: [] },
  { id: 'aws-iso-b', regionPattern: /^us-isob-\w+-\d+$/, dnsSuffix: 'sc2s.sgov.gov', fipsRegions: [] },
  { id: 'aws-iso-e', regionPattern: /^eu-isoe-\w+-\d+$/, dnsSuffix: 'cloud.adc-e.uk', fipsRegions: [] },
  { id: 'aws-iso-f', regionPattern: /^us-isof-\w+-\d+$/, dnsSuffix: 'csp.hci.ic.gov', fipsRegions: [] },
  { id: 'aws-eusc', regionPattern: /^eusc-de-\w+-\d+$/, dnsSuffix: 'amazonaws.eu', fipsRegions: [] },
  {
    id: 'aws-cn',
    regionPattern: /^cn-\w+-\d+$/,
    dnsSuffix: 'amazonaws.com.cn',
    dualStackDnsSuffix: 'api.amazonwebservices.com.cn',
    fipsRegions: [],
  },
  {
    id: 'aws',
    regionPattern: /^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/,
    dnsSuffix: 'amazonaws.com',
    dualStackDnsSuffix: 'api.aws',
    fipsRegions: ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2'],
  },
];

/** Where the token's presigned GetCallerIdentity points and the region it is signed for. */
export interface StsEndpoint {
  host: string;
  signingRegion: string;
  partition: string;
}

/** The endpoint switches that change the STS host (from AWS_* variables or the profile). */
export interface EndpointOptions {
  useFips?: boolean;
  useDualStack?: boolean;
  /** `legacy` sends the aws partition's classic regions to the global endpoint. */
  stsRegionalEndpoints?: 'legacy' | 'regional';
}

/** Finds the partition of a region, or undefined when no partition claims it. */
export function findPartition(region: string): Partition | undefined {
  return PARTITIONS.find((p) => p.regionPattern.test(region));
}

/** The partition of a region, or an E_BAD_REGION error naming it. */
export function requirePartition(region: string): Partition {
  const partition = findPartition(region);
  if (!partition) {
    throw new EksTokenError(
      'E_BAD_REGION',
      `region "${region}" is not an AWS region`,
      'pass --region with a region such as eu-west-1 (or set AWS_REGION)',
    );
  }
  return partition;
}

/** Resolves the STS host the token is presigned for, refusing hosts EKS would reject. */
export function resolveStsEndpoint(region: string, options: EndpointOptions = {}): StsEndpoint {
  const partition = requirePartition(region);
  if (options.useFips && options.useDualStack) {
    throw new EksTokenError(
      'E_UNSUPPORTED_ENDPOINT',
      'FIPS and dual-stack STS endpoints are both requested',
      'EKS does not accept tokens for sts-fips dual-stack hosts; unset AWS_USE_DUALSTACK_ENDPOINT or AWS_USE_FIPS_ENDPOINT',
    );
  }
  if (options.useFips) {
    if (partition.regionalIsFips) return regional(partition, region, partition.dnsSuffix);
    if (!partition.fipsRegions.includes(region)) {
      throw new EksTokenError(
        'E_UNSUPPORTED_ENDPOINT',
        `AWS publishes no FIPS STS endpoint in ${region}`,
        `unset AWS_USE_FIPS_ENDPOINT or use one of ${partition.fipsRegions.join(', ') || 'no region of this partition'}`,
      );
    }
    return {
      host: `sts-fips.${region}.${partition.dnsSuffix}`,
      signingRegion: region,
      partition: partition.id,
    };
  }
  if (options.useDualStack) {
    if (!partition.dualStackDnsSuffix) {
      throw new EksTokenError(
        'E_UNSUPPORTED_ENDPOINT',
        `partition ${partition.id} has no dual-stack STS endpoint that EKS accepts`,
        'unset AWS_USE_DUALSTACK_ENDPOINT',
      );
    }
    return regional(partition, region, partition.dualStackDnsSuffix);
  }
  if (
    options.stsRegionalEndpoints === 'legacy' &&
    partition.id === 'aws' &&
    LEGACY_GLOBAL_REGIONS.has(region)
  ) {
    return { host: 'sts.amazonaws.com', signingRegion: 'us-east-1', partition: partition.id };
  }
  return regional(partition, region, partition.dnsSuffix);
}

function regional(partition: Partition, region: string, suffix: string): StsEndpoint {
  return { host: `sts.${region}.${suffix}`, signingRegion: region, partition: partition.id };
}

// The regions that the SDKs' `legacy` mode sent to sts.amazonaws.com (botocore's list).
const LEGACY_GLOBAL_REGIONS = new Set([
  'ap-northeast-1',
  'ap-south-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'aws-global',
  'ca-central-1',
  'eu-central-1',
  'eu-north-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
]);

/**
 * True when aws-iam-authenticator's server accepts this STS host in a token: the global host,
 * `sts.<region>.<suffix>` and dual-stack hosts of a known partition, and published FIPS hosts.
 */
export function isAllowedStsHost(host: string): boolean {
  if (host === 'sts.amazonaws.com') return true;
  const match = /^(sts|sts-fips)\.([a-z0-9-]+)\.(.+)$/.exec(host);
  if (!match) return false;
  const [, label, region = '', suffix] = match;
  const partition = findPartition(region);
  if (!partition) return false;
  if (label === 'sts-fips') return partition.fipsRegions.includes(region) && suffix === partition.dnsSuffix;
  return suffix === partition.dnsSuffix || suffix === partition.dualStackDnsSuffix;
}
