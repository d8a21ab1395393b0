import { VERSION } from '../src/shared/version.js';

/** Help text per command; `eks-token --help` and `eks-token <command> --help` print these. */
export const HELP: Record<string, string> = {
  main: `eks-token ${VERSION}: kubectl credential plugin for Amazon EKS

Usage:
  eks-token token -i CLUSTER [flags]          print an ExecCredential (aws-iam-authenticator style)
  eks-token get-token --cluster-name CLUSTER  print an ExecCredential (aws eks get-token style)
  eks-token daemon run|start|stop|restart|status|flush  the local token service
  eks-token kubeconfig -i CLUSTER --server URL --certificate-authority-data B64 --region R
  eks-token kubeconfig --describe CLUSTER --region R  add or update a kubeconfig entry
  eks-token kubeconfig --migrate [--kubeconfig F] [--dry-run]  switch aws / aws-iam-authenticator users to eks-token
  eks-token update-kubeconfig --name CLUSTER  "aws eks update-kubeconfig" writing an eks-token user
  eks-token kubeconfig -i DNS-NAME --server URL --clusters A,B --region R  a verified blue/green entry
  eks-token kubeconfig --refresh               trust the cluster a blue/green TXT record names now
  eks-token whoami [-i CLUSTER] [flags]       who EKS sees: the identity behind a fresh token
  eks-token verify --token T [-i CLUSTER --sts]  run EKS's checks on a token, say which one fails
  eks-token doctor [-i CLUSTER] [--offline]   check the whole set-up, one line per check
  eks-token completion bash|zsh               print a shell completion script
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
      --cache                 accepted (aws-iam-authenticator's disk cache; the daemon is eks-token's)
  -o, --output json           the only output kubectl reads; anything else is refused
      --txt-fallback literal  when the TXT record is missing, use CLUSTER as it is
      --dns-server HOST[:PORT]  ask this DNS server (else EKS_TOKEN_DNS_SERVER, /etc/resolv.conf)
      --daemon off|on|auto    use the local token service (else EKS_TOKEN_DAEMON, default off)
      --debug                 explain each step on stderr (never secrets)
  -h, --help                  this help`,
  'get-token': `Usage: eks-token get-token --cluster-name CLUSTER [flags]

Drop-in for "aws eks get-token": the args "aws eks update-kubeconfig" writes work as they are
("--region R eks get-token --cluster-name N --output json"), the AWS CLI's global options before
or after the command.

Flags:
      --cluster-name NAME     cluster name, or a DNS name whose TXT record holds it
      --role-arn ARN          assume this IAM role first (also --role), session EKSGetTokenAuth as aws
      --region REGION         STS region
      --profile PROFILE       AWS profile (beats keys in the environment, as in the AWS CLI)
      --output json           the only output kubectl reads; anything else is refused
  Accepted, as they cannot change the token: the AWS CLI's global options --endpoint-url,
  --no-verify-ssl, --ca-bundle, --no-paginate, --no-cli-pager, --color, --cli-read-timeout,
  --cli-connect-timeout, --cli-binary-format, --cli-auto-prompt, --no-cli-auto-prompt.
  Refused, as kubectl could not use the answer: --query, --no-sign-request.
  All flags of "eks-token token" are accepted too.`,
  kubeconfig: `Usage: eks-token kubeconfig (-i CLUSTER --server URL (--certificate-authority-data B64 |
                                --insecure-skip-tls-verify) | --describe CLUSTER) [flags]
       eks-token kubeconfig -i DNS-NAME --server URL [--clusters A,B] [--certificate-authority FILE] [flags]
       eks-token kubeconfig --refresh [--kubeconfig FILE] [--name NAME] [--profile P] [--dry-run]

Adds or updates a cluster, a user and a context in the kubeconfig, like "aws eks update-kubeconfig",
with a user that runs "eks-token token -i CLUSTER --region R [--role ARN]" (exec apiVersion
client.authentication.k8s.io/v1beta1, AWS_PROFILE in its env with --profile), and makes the context
the current one. Every other entry, its order and its comments stay; the file is replaced atomically
with mode 0600. Without --server or --describe, an existing cluster entry of that name is kept as it
is (to switch an existing context to eks-token).

Blue/green (a DNS cluster id with a shared --server, e.g. -i eks.devinfra.info --server
https://api.devinfra.info): the entry trusts the CA of every candidate cluster (--clusters, else the
one the TXT record names now; from DescribeCluster) and checks the server certificate against the
name "kubernetes", which every EKS API certificate carries: kubectl verifies whichever candidate
answers, and refuses anything else before a token is sent. When the record names a cluster outside
the candidates, the plugin still prints its token and says to run --refresh, which adds that
cluster's CA and drops candidates EKS no longer knows.

Flags:
      --kubeconfig FILE       file to edit (else the first file in KUBECONFIG, else ~/.kube/config)
      --name NAME             name of the cluster, user and context (default --alias, else CLUSTER)
      --alias NAME            name of the context (default --name)
  -i, --cluster-id CLUSTER    cluster name, or a DNS name whose TXT record holds it (default --describe)
      --server URL            API server endpoint (https)
      --certificate-authority-data B64  base64 PEM of the cluster CA
      --insecure-skip-tls-verify  do not check the server certificate (tests only; prints a warning)
      --clusters A,B          blue/green candidates: their CAs from DescribeCluster, in one bundle
      --certificate-authority FILE  PEM bundle for clusters DescribeCluster cannot reach
      --refresh               update every blue/green entry (or --name) to the TXT record's cluster
      --describe CLUSTER      read endpoint and CA with EKS DescribeCluster (needs eks:DescribeCluster;
                              AWS_ENDPOINT_URL_EKS redirects the call)
      --role ARN              the user assumes this role for tokens (also --role-arn)
      --region REGION         written into the user (else AWS_REGION, AWS_DEFAULT_REGION, the profile)
      --profile PROFILE       AWS profile for DescribeCluster and, as AWS_PROFILE, for the user
      --daemon on|auto        the user asks the local token service first (off: not written)
      --dns-server HOST[:PORT]  the user resolves a TXT cluster id at this DNS server (repeatable)
      --exec-api-version v1|v1beta1  exec API of the user (default v1beta1; v1 adds
                              interactiveMode: IfAvailable so MFA can prompt)
      --dry-run               print the new kubeconfig instead of writing it
  -h, --help                  this help

Migrating: eks-token kubeconfig --migrate [--kubeconfig FILE] [--dry-run]
      --migrate               switch every user whose exec runs "aws eks get-token", "aws-iam-authenticator
                              token" or a plain shell wrapper around one of them to the eks-token call that
                              signs as the same identity (cluster, role, region; the profile as AWS_PROFILE).
                              Prints a summary of each change; other entries and comments stay byte for byte.
                              Writes FILE.bak first (FILE.<time>.bak if that exists). With --dry-run it only
                              prints the summary. A call with flags it cannot translate is left as it is.`,
  'update-kubeconfig': `Usage: eks-token update-kubeconfig --name CLUSTER [flags]

"aws eks update-kubeconfig" with the same flags, file choice and entry names (the cluster ARN from EKS
DescribeCluster), writing a user that runs "eks-token token -i CLUSTER --region R [--role ARN]"
(AWS_PROFILE in its env with --profile or AWS_PROFILE). Run over a kubeconfig aws wrote, it converts
that entry in place. AWS_ENDPOINT_URL_EKS (or --endpoint-url) redirects the DescribeCluster call.

Flags:
      --name CLUSTER          the EKS cluster (required)
      --kubeconfig FILE       file to edit (else the KUBECONFIG file that has the cluster, else its first
                              file, else ~/.kube/config)
      --role-arn ARN          the user assumes this role for tokens
      --assume-role-arn ARN   assume this role to call DescribeCluster (cross-account)
      --proxy-url URL         written into the cluster entry as proxy-url
      --alias NAME            name of the context (default the user's name)
      --user-alias NAME       name of the user (default the cluster ARN)
      --region REGION         region of the cluster (else AWS_REGION, AWS_DEFAULT_REGION, the profile)
      --profile PROFILE       AWS profile for DescribeCluster and, as AWS_PROFILE, for the user
      --endpoint-url URL      EKS API endpoint for DescribeCluster
      --dry-run               print the merged kubeconfig instead of writing it
      --verbose               also print the written context, user and cluster entries
      --debug                 explain failures in more detail
  -h, --help                  this help`,
  whoami: `Usage: eks-token whoami [-i CLUSTER] [flags] [--json]

Mints a token and sends its GetCallerIdentity exactly as the EKS server does (GET with x-k8s-aws-id),
then prints the account, ARN, user id, the ARN aws-auth and access entries match (an assumed role's
IAM role), the cluster name the token is for (after the TXT lookup), the region and STS host.
The first thing to run when kubectl says Unauthorized. AWS_ENDPOINT_URL_STS redirects the call.

Flags:
      --json                  print JSON
  All flags of "eks-token token" are accepted (-i, --role, --region, --profile, ...).`,
  verify: `Usage: eks-token verify --token TOKEN|- [-i CLUSTER] [--sts]

Runs the checks aws-iam-authenticator (the EKS server side) makes on a bearer token and prints
"ok: ..." or the first failing check as one error line (exit 1). Without --sts it never calls AWS.
Checks: length, prefix, base64url, url, scheme, host, path, query, query-key, query-once, action,
signed-cluster-id, expires, date-present, date-format, date-expired, date-future, and with --sts: sts.

Flags:
  -t, --token TOKEN           the token; "-" reads it (or an ExecCredential) from stdin
  -i, --cluster-id CLUSTER    cluster name, or a DNS name whose TXT record holds it (needed by --sts)
      --sts                   also send the token's GetCallerIdentity to STS with x-k8s-aws-id, as EKS does
      --dns-server HOST[:PORT]  DNS server for a TXT cluster id (else EKS_TOKEN_DNS_SERVER, /etc/resolv.conf)
  -h, --help                  this help`,
  doctor: `Usage: eks-token doctor [-i CLUSTER] [--kubeconfig FILE] [--offline] [flags]

Checks the set-up and prints one line per check, ok, warn or fail, with the fix: the Node that runs
eks-token; which eks-token kubectl runs for "command: eks-token"; every kubeconfig user that runs
eks-token, aws eks get-token or aws-iam-authenticator, and whether its arguments parse; NODE_EXTRA_CA_CERTS;
the credential source and the identity STS reports, and the clock against STS's (more than 5 minutes
off fails every token); the TXT record behind each dotted cluster id; the daemon and its socket
directory. Exit code 1 when a check fails. Never prints keys or tokens.

Flags:
  -i, --cluster-id CLUSTER    also check this cluster id (a dotted one: its TXT record)
      --kubeconfig FILE       check this file (else the files in KUBECONFIG, else ~/.kube/config)
      --offline               do not call STS (credentials are named, not resolved)
      --region REGION         STS region (else AWS_REGION, AWS_DEFAULT_REGION, the profile)
      --profile PROFILE       AWS profile (else AWS_PROFILE)
  -r, --role ARN              also assume this role
      --dns-server HOST[:PORT]  DNS server for a dotted -i (else EKS_TOKEN_DNS_SERVER, /etc/resolv.conf)
  -h, --help                  this help`,
  completion: `Usage: eks-token completion bash|zsh

Prints a completion script for commands, flags, regions and AWS profiles.
  bash:  source <(eks-token completion bash)     (or save it in ~/.local/share/bash-completion/completions/eks-token)
  zsh:   source <(eks-token completion zsh)      (after compinit; or save it as _eks-token in your fpath)`,
};
