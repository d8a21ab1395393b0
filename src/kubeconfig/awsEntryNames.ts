import { EksTokenError } from '../shared/EksTokenError.js';

/** The cluster, user and context names of one kubeconfig entry. */
export interface EntryNames {
  clusterName: string;
  userName: string;
  contextName: string;
}

/**
 * Names as `aws eks update-kubeconfig` gives them: the cluster is its ARN, the user --user-alias or
 * the ARN, the context --alias or the user's name. Same names, so a rerun converts aws's own entry.
 */
export function awsEntryNames(arn: string, alias?: string, userAlias?: string): EntryNames {
  const userName = userAlias || arn;
  return { clusterName: arn, userName, contextName: alias || userName };
}

/** The region of an EKS cluster ARN (arn:PARTITION:eks:REGION:ACCOUNT:cluster/NAME), which aws writes into the user. */
export function arnRegion(arn: string): string {
  const region = /^arn:[\w-]+:eks:([a-z0-9-]+):\d*:cluster\/.+$/.exec(arn)?.[1];
  if (!region) {
    throw new EksTokenError(
      'E_EKS_ERROR',
      `EKS DescribeCluster answered a cluster ARN that is not one (${JSON.stringify(arn.slice(0, 120))})`,
      'check AWS_ENDPOINT_URL_EKS or --endpoint-url',
    );
  }
  return region;
}
