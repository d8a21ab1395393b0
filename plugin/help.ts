import { VERSION } from './version.js';

/** Help text per command; `eks-token --help` and `eks-token <command> --help` print these. */
export const HELP: Record<string, string> = {
  main: `eks-token ${VERSION}: kubectl credential plugin for Amazon EKS

Usage:
  eks-token token -i CLUSTER [flags]          print an ExecCredential (aws-iam-authenticator style)
  eks-token get-token --cluster-name CLUSTER  print an ExecCredential (aws eks get-token style)
  eks-token daemon run|start|stop|status|flush  the local token service
  eks-token --version | --help

CLUSTER may be a DNS name (it contains a dot): its TXT record names the live cluster.
Run "eks-token <command> --help" for the flags of a command.`,
  token: `Usage: eks-token token -i|--cluster-id CLUSTER [flags]

Prints a client.authentication.k8s.io ExecCredential with an EKS bearer token.

Flags:
  -i, --cluster-id NAME       cluster name, or a DNS name whose TXT record holds it
                              (also KUBERNETES_AWS_AUTHENTICATOR_CLUSTER_ID)
  -r, --role ARN              assume this IAM role first
  -e, --external-id ID        external id for the role
  -s, --session-name NAME     role session name (default eks-token-<unix ms>)
      --forward-session-name  reuse the caller's federated session name for the role
      --region REGION         STS region (else AWS_REGION, AWS_DEFAULT_REGION, the profile, us-east-1)
      --profile PROFILE       AWS profile (else AWS_PROFILE)
      --token-only            print only the token
      --txt-fallback literal  when the TXT record is missing, use CLUSTER as it is
      --dns-server HOST[:PORT]  ask this DNS server (else EKS_TOKEN_DNS_SERVER, /etc/resolv.conf)
      --daemon off|on|auto    use the local token service (else EKS_TOKEN_DAEMON, default off)
      --debug                 explain each step on stderr (never secrets)
  -h, --help                  this help`,
  'get-token': `Usage: eks-token get-token --cluster-name CLUSTER [flags]

Drop-in for "aws eks get-token".

Flags:
      --cluster-name NAME     cluster name, or a DNS name whose TXT record holds it
      --role-arn ARN          assume this IAM role first (also --role)
      --region REGION         STS region
      --profile PROFILE       AWS profile
      --output json           accepted and ignored (the output is always JSON)
  All flags of "eks-token token" are accepted too.`,
};
