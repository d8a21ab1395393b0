// The exec user every eks-token kubeconfig writer puts in (kubeconfig, update-kubeconfig, migration).

/** The exec section of a user entry, as kubectl reads it. */
export interface ExecUser {
  apiVersion: string;
  command: string;
  args: string[];
  env?: Array<{ name: string; value: string }>;
  interactiveMode?: string;
  provideClusterInfo?: boolean;
}

/** The exec user of an eks-token entry: `eks-token token -i ID --region R [--role ARN] ...`, profile in env. */
export function execUser(opts: {
  clusterId: string;
  region?: string;
  roleArn?: string;
  /** The role session's name (aws eks get-token's is EKSGetTokenAuth). */
  sessionName?: string;
  profile?: string;
  daemon?: 'on' | 'auto';
  dnsServers?: string[];
  execApiVersion?: 'v1' | 'v1beta1';
  /** Blue/green: kubectl passes the cluster's exec extension (the candidates) to the plugin. */
  provideClusterInfo?: boolean;
}): ExecUser {
  const args = ['token', '-i', opts.clusterId, ...(opts.region ? ['--region', opts.region] : [])];
  if (opts.roleArn) args.push('--role', opts.roleArn);
  if (opts.roleArn && opts.sessionName) args.push('--session-name', opts.sessionName);
  for (const server of opts.dnsServers ?? []) args.push('--dns-server', server);
  if (opts.daemon) args.push('--daemon', opts.daemon);
  // Key order as kubectl writes it (alphabetical), so a later kubectl rewrite changes nothing.
  const user: ExecUser = {
    apiVersion: `client.authentication.k8s.io/${opts.execApiVersion ?? 'v1beta1'}`,
    args,
    command: 'eks-token',
  };
  if (opts.profile) user.env = [{ name: 'AWS_PROFILE', value: opts.profile }];
  // v1 requires interactiveMode; IfAvailable lets a profile that needs MFA prompt in a terminal.
  if (opts.execApiVersion === 'v1') user.interactiveMode = 'IfAvailable';
  if (opts.provideClusterInfo) user.provideClusterInfo = true;
  return user;
}
