/**
 * A loopback EKS control-plane API answering DescribeCluster (GET /clusters/NAME). It checks each
 * request's SigV4 Authorization header by re-signing the received method, path and signed headers
 * with aws4, a signer independent of src/.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import aws4 from 'aws4';

/** Keys the server accepts. */
export interface DescribeKeys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** A cluster the server knows. */
export interface DescribeClusterFixture {
  endpoint?: string;
  caData?: string;
  status?: string;
  /** Answer 403 AccessDeniedException instead. */
  denied?: boolean;
  /** Answer 429 ThrottlingException instead. */
  throttled?: boolean;
}

/** One verified request. */
export interface DescribeSeen {
  path: string;
  region: string;
  service: string;
  accessKeyId: string;
  signedHeaders: string[];
}

/** A running DescribeCluster server. */
export interface DescribeClusterServer {
  url: string;
  seen: DescribeSeen[];
  clusters: Map<string, DescribeClusterFixture>;
  close(): Promise<void>;
}

/** The keys the server accepts: a fixed list, or a lookup by access key id (e.g. keys a fake STS issued). */
export type DescribeKeyring = DescribeKeys[] | ((accessKeyId: string) => DescribeKeys | undefined);

function verify(req: IncomingMessage, keys: DescribeKeyring): DescribeSeen | string {
  const auth =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=[0-9a-f]{64}$/.exec(
      req.headers.authorization ?? '',
    );
  if (!auth) return 'MissingAuthenticationTokenException';
  const [, accessKeyId = '', region = '', service = '', signed = ''] = auth;
  const creds =
    typeof keys === 'function' ? keys(accessKeyId) : keys.find((k) => k.accessKeyId === accessKeyId);
  if (!creds) return 'UnrecognizedClientException';
  const signedHeaders = signed.split(';');
  const headers: Record<string, string> = {};
  for (const h of signedHeaders) headers[h] = String(req.headers[h] ?? '');
  const expected = aws4.sign(
    { method: req.method, host: headers.host, path: req.url, service, region, headers },
    creds,
  );
  if (expected.headers?.Authorization !== req.headers.authorization) return 'InvalidSignatureException';
  return { path: req.url ?? '', region, service, accessKeyId, signedHeaders };
}

/** Starts the server on 127.0.0.1 (plain HTTP; point AWS_ENDPOINT_URL_EKS at `url`). */
export async function startDescribeClusterServer(keys: DescribeKeyring): Promise<DescribeClusterServer> {
  const seen: DescribeSeen[] = [];
  const clusters = new Map<string, DescribeClusterFixture>();
  const server = createServer((req, res) => {
    const send = (status: number, body: object, type?: string) => {
      const errorType = type ? { 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/` } : {};
      res.writeHead(status, { 'content-type': 'application/json', ...errorType });
      res.end(JSON.stringify(body));
    };
    const result = verify(req, keys);
    if (typeof result === 'string') return send(403, { message: 'The request signature is wrong.' }, result);
    seen.push(result);
    const name = decodeURIComponent(/\/clusters\/([^/?]+)$/.exec(result.path)?.[1] ?? '');
    const fixture = clusters.get(name);
    if (req.method !== 'GET' || !fixture)
      return send(404, { message: `No cluster found for name: ${name}.` }, 'ResourceNotFoundException');
    if (fixture.denied)
      return send(
        403,
        { message: 'User is not authorized to perform: eks:DescribeCluster' },
        'AccessDeniedException',
      );
    if (fixture.throttled) return send(429, { message: 'Rate exceeded' }, 'ThrottlingException');
    send(200, {
      cluster: {
        name,
        arn: `arn:aws:eks:${result.region}:123456789012:cluster/${name}`,
        status: fixture.status ?? 'ACTIVE',
        ...(fixture.endpoint ? { endpoint: fixture.endpoint } : {}),
        certificateAuthority: fixture.caData ? { data: fixture.caData } : {},
      },
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    clusters,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
