import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { request } from 'undici';
import { EksTokenError, oneLine } from '../shared/EksTokenError.js';
import type { AwsCredentials } from './AwsCredentials.js';
import { requirePartition } from './resolveStsEndpoint.js';

/** What kubeconfig needs from EKS DescribeCluster. */
export interface DescribedCluster {
  name: string;
  arn: string;
  status: string;
  endpoint: string;
  certificateAuthorityData: string;
  /** An Outposts (local) cluster's id: its tokens sign this instead of the name. */
  localClusterId?: string;
}

/** Inputs of describeCluster; `env` may redirect the call with AWS_ENDPOINT_URL_EKS. */
export interface DescribeClusterInput {
  name: string;
  region: string;
  credentials: AwsCredentials;
  env: Record<string, string | undefined>;
  now: () => number;
}

/** The regional EKS API URL, e.g. https://eks.cn-north-1.amazonaws.com.cn, or the configured override. */
export function eksEndpoint(region: string, env: Record<string, string | undefined>): URL {
  const override = env.AWS_ENDPOINT_URL_EKS || env.AWS_ENDPOINT_URL;
  if (override) return new URL(override);
  const partition = requirePartition(region);
  return new URL(`https://eks.${region}.${partition.dnsSuffix}`);
}

/** Calls EKS DescribeCluster (SigV4-signed GET /clusters/NAME) and returns the endpoint and CA data. */
export async function describeCluster(input: DescribeClusterInput): Promise<DescribedCluster> {
  const base = eksEndpoint(input.region, input.env);
  // Like the SDK, an endpoint override is also what gets signed: the request really goes there.
  const path = `${base.pathname.replace(/\/+$/, '')}/clusters/${encodeURIComponent(input.name)}`;
  const signer = new SignatureV4({
    credentials: input.credentials,
    region: input.region,
    service: 'eks',
    sha256: Sha256,
  });
  const signed = await signer.sign(
    {
      method: 'GET',
      protocol: base.protocol,
      hostname: base.hostname,
      path,
      query: {},
      headers: { host: base.host, accept: 'application/json' },
    },
    { signingDate: new Date(input.now()) },
  );
  const url = new URL(path, base);
  let response: Awaited<ReturnType<typeof request>>;
  try {
    response = await request(url, {
      method: 'GET',
      headers: signed.headers,
      headersTimeout: 15_000,
      bodyTimeout: 15_000,
    });
  } catch (error) {
    throw new EksTokenError(
      'E_EKS_UNREACHABLE',
      `could not reach EKS at ${url.host}: ${(error as Error).message}`,
      'check the network, --region and AWS_ENDPOINT_URL_EKS',
      { cause: error },
    );
  }
  const text = await response.body.text();
  let body: { cluster?: Record<string, unknown>; message?: string; Message?: string } = {};
  try {
    body = JSON.parse(text);
  } catch {
    // Non-JSON error pages still get a status line below.
  }
  if (response.statusCode !== 200)
    throw describeError(input, response.statusCode, response.headers['x-amzn-errortype'], body);
  const cluster = body.cluster ?? {};
  const ca = (cluster.certificateAuthority as { data?: unknown } | undefined)?.data;
  const described: DescribedCluster = {
    name: String(cluster.name ?? input.name),
    arn: String(cluster.arn ?? ''),
    status: String(cluster.status ?? 'UNKNOWN'),
    endpoint: typeof cluster.endpoint === 'string' ? cluster.endpoint : '',
    certificateAuthorityData: typeof ca === 'string' ? ca : '',
    ...(cluster.outpostConfig && typeof cluster.id === 'string' ? { localClusterId: cluster.id } : {}),
  };
  if (!described.endpoint || !described.certificateAuthorityData) {
    throw new EksTokenError(
      'E_CLUSTER_NOT_READY',
      `EKS cluster ${input.name} (${described.status}) has no endpoint or certificate authority yet`,
      'wait until the cluster is ACTIVE and run this again',
    );
  }
  return described;
}

function describeError(
  input: DescribeClusterInput,
  status: number,
  errorType: string | string[] | undefined,
  body: { message?: string; Message?: string },
): EksTokenError {
  // x-amzn-errortype is "Code:http://internal..." in REST-JSON services.
  const code =
    String(Array.isArray(errorType) ? errorType[0] : (errorType ?? '')).split(':')[0] || `HTTP ${status}`;
  const detail = oneLine(String(body.message ?? body.Message ?? '')).slice(0, 200);
  const what = `EKS DescribeCluster ${input.name} in ${input.region} failed: ${status} ${code}${detail ? ` (${detail})` : ''}`;
  if (status === 404 || code === 'ResourceNotFoundException') {
    return new EksTokenError(
      'E_NO_SUCH_CLUSTER',
      what,
      `check the cluster name and --region (aws eks list-clusters --region ${input.region})`,
    );
  }
  if (status === 401 || status === 403) {
    return new EksTokenError(
      'E_EKS_ACCESS_DENIED',
      what,
      'the caller needs eks:DescribeCluster; check --profile, the credentials and the clock',
    );
  }
  return new EksTokenError(
    'E_EKS_ERROR',
    what,
    'retry later, or pass --server and --certificate-authority-data instead',
  );
}
