/**
 * A loopback HTTPS stand-in for an EKS Kubernetes API server that authenticates bearer tokens the way
 * aws-iam-authenticator does (via the fake STS), maps identities like aws-auth, and serves just enough API
 * for `kubectl auth whoami` and `kubectl get --raw`. Independent of src/.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  callStsForToken,
  checkEksToken,
  decodeEksToken,
  type EksAuthFailure,
  type MappedUser,
  type MapRole,
  type MapUser,
  mapIdentity,
  type StsVerifiedIdentity,
  tokenFingerprint,
} from './iamAuthenticator.js';
import { generateTestTls, type TestTls } from './testTls.js';

export { EKS_AUTH_FAILURES, type EksAuthFailure, type MapRole, type MapUser } from './iamAuthenticator.js';

/** Options for startEksApiTestServer. */
export interface EksApiTestServerOptions {
  /** The cluster name (x-k8s-aws-id) this API server is; tokens for other names fail at STS. */
  clusterName: string;
  /** Base URL of the (fake) STS to forward presigned requests to, e.g. stsServer.url. */
  stsUrl: string;
  mapRoles?: MapRole[];
  mapUsers?: MapUser[];
  /** Injectable clock (epoch ms) for the X-Amz-Date age check; default Date.now. */
  now?: () => number;
  /** Version reported by /version; default v1.31.0-eks-test. */
  gitVersion?: string;
  /** Shared certificate (blue/green servers behind one address); the caller cleans it up. */
  tls?: TestTls;
}

/** The authenticated user as recorded and as returned in SelfSubjectReview. */
export interface EksUser extends MappedUser {
  identity: StsVerifiedIdentity;
}

/** One recorded API request and how authentication went. */
export interface EksApiRequest {
  seq: number;
  /** Server clock (opts.now) at arrival, epoch ms. */
  time: number;
  method: string;
  path: string;
  status: number;
  outcome: 'authenticated' | 'anonymous' | 'rejected';
  reason?: EksAuthFailure;
  detail?: string;
  user?: EksUser;
  /** Non-secret facts about the presented token. */
  token?: { fingerprint: string; length: number; host?: string; amzDate?: string; accessKeyId?: string };
}

/** A running fake EKS API server. */
export interface EksApiTestServer {
  /** https://127.0.0.1:PORT */
  url: string;
  port: number;
  /** PEM of the CA that signed the server certificate. */
  caPem: string;
  /** base64 of caPem, ready for kubeconfig certificate-authority-data. */
  caData: string;
  /** Path to the CA PEM file (removed on close). */
  caFile: string;
  requests: EksApiRequest[];
  /** Current cluster name. */
  readonly clusterName: string;
  /** Switches the cluster name (blue/green); subsequent tokens must be minted for the new name. */
  setClusterName(name: string): void;
  /** Live aws-auth tables; mutate to change mappings. */
  mapRoles: MapRole[];
  mapUsers: MapUser[];
  close(): Promise<void>;
}

const PUBLIC_PATHS = new Set(['/version', '/healthz', '/livez', '/readyz']);
const SSR_PATH = /^\/apis\/authentication\.k8s\.io\/(v1|v1beta1|v1alpha1)\/selfsubjectreviews\/?$/;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function status(code: number, reason: string, message: string): object {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

/** Extracts the bearer token the way the Kubernetes bearer-token authenticator does. */
function bearerToken(req: IncomingMessage): string | undefined {
  const parts = (req.headers.authorization ?? '').trim().split(' ');
  if (parts.length < 2 || parts[0]?.toLowerCase() !== 'bearer' || !parts[1]) return undefined;
  return parts[1];
}

function discovery(path: string, port: number, gitVersion: string): object | undefined {
  const gv = (version: string) => ({ groupVersion: `authentication.k8s.io/${version}`, version });
  switch (path) {
    case '/version':
      return {
        major: '1',
        minor: gitVersion.replace(/^v1\.(\d+).*$/, '$1'),
        gitVersion,
        platform: 'linux/amd64',
        goVersion: 'go1.22.0',
        compiler: 'gc',
        buildDate: '2026-01-01T00:00:00Z',
        gitCommit: '0000000000000000000000000000000000000000',
        gitTreeState: 'clean',
      };
    case '/api':
      return {
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${port}` }],
      };
    case '/apis':
      return {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: [{ name: 'authentication.k8s.io', versions: [gv('v1')], preferredVersion: gv('v1') }],
      };
    case '/apis/authentication.k8s.io/v1':
      return {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: 'authentication.k8s.io/v1',
        resources: [
          {
            name: 'selfsubjectreviews',
            singularName: 'selfsubjectreview',
            namespaced: false,
            kind: 'SelfSubjectReview',
            verbs: ['create'],
          },
        ],
      };
    default:
      return undefined;
  }
}

/** Starts the fake EKS API server on https://127.0.0.1 with an ephemeral port and a fresh test CA. */
export async function startEksApiTestServer(opts: EksApiTestServerOptions): Promise<EksApiTestServer> {
  const now = opts.now ?? Date.now;
  const gitVersion = opts.gitVersion ?? 'v1.31.0-eks-test';
  const ownTls = !opts.tls;
  const tls = opts.tls ?? (await generateTestTls());
  const requests: EksApiRequest[] = [];
  let clusterName = opts.clusterName;
  let seq = 0;
  let port = 0;
  const api = {
    mapRoles: opts.mapRoles ?? [],
    mapUsers: opts.mapUsers ?? [],
  };

  async function authenticate(token: string, record: EksApiRequest): Promise<EksUser | undefined> {
    const url = decodeEksToken(token);
    record.token = { fingerprint: tokenFingerprint(token), length: token.length };
    const parsed = checkEksToken(token, now());
    if (url !== undefined) {
      const host = /^[a-z]+:\/\/([^/?#]*)/i.exec(url)?.[1];
      if (host !== undefined) record.token.host = host;
    }
    if (!parsed.ok) {
      record.reason = parsed.reason;
      record.detail = parsed.detail;
      return undefined;
    }
    record.token.amzDate = parsed.amzDate;
    record.token.accessKeyId = parsed.accessKeyId;
    const identity = await callStsForToken(parsed, clusterName, opts.stsUrl);
    if ('ok' in identity) {
      record.reason = identity.reason;
      record.detail = identity.detail;
      return undefined;
    }
    const mapped = mapIdentity(identity, api.mapRoles, api.mapUsers);
    if (!mapped) {
      record.reason = 'not-mapped';
      record.detail = `ARN is not mapped: ${identity.canonicalArn}`;
      return undefined;
    }
    return { ...mapped, identity };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    const record: EksApiRequest = { seq: ++seq, time: now(), method, path, status: 0, outcome: 'rejected' };
    requests.push(record);
    const reply = (code: number, body: unknown) => {
      record.status = code;
      sendJson(res, code, body);
    };
    for await (const _ of req) {
      // drain the body; nothing here needs it
    }
    const token = bearerToken(req);
    let user: EksUser | undefined;
    if (token === undefined) {
      if (!(method === 'GET' && PUBLIC_PATHS.has(path))) {
        record.reason = 'missing-token';
        record.detail = 'no bearer token';
        return reply(401, status(401, 'Unauthorized', 'Unauthorized'));
      }
      record.outcome = 'anonymous';
    } else {
      user = await authenticate(token, record);
      if (!user) return reply(401, status(401, 'Unauthorized', 'Unauthorized'));
      record.outcome = 'authenticated';
      record.user = user;
    }
    const ssr = SSR_PATH.exec(path);
    if (ssr && method === 'POST' && user) {
      const { identity: _identity, ...userInfo } = user;
      return reply(201, {
        kind: 'SelfSubjectReview',
        apiVersion: `authentication.k8s.io/${ssr[1]}`,
        metadata: { creationTimestamp: null },
        status: { userInfo },
      });
    }
    if (method !== 'GET')
      return reply(405, status(405, 'MethodNotAllowed', `${method} is not supported here`));
    const doc = discovery(path, port, gitVersion);
    if (doc) return reply(200, doc);
    if (!user) return reply(401, status(401, 'Unauthorized', 'Unauthorized'));
    return reply(200, {
      ok: true,
      path,
      user: { username: user.username, groups: user.groups, extra: user.extra },
    });
  }

  const server = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, status(500, 'InternalError', 'internal error'));
      else res.destroy();
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
  } catch (error) {
    if (ownTls) await tls.cleanup();
    throw error;
  }
  port = (server.address() as AddressInfo).port;

  return {
    url: `https://127.0.0.1:${port}`,
    port,
    caPem: tls.caPem,
    caData: Buffer.from(tls.caPem).toString('base64'),
    caFile: tls.caFile,
    requests,
    get clusterName() {
      return clusterName;
    },
    setClusterName(name: string) {
      clusterName = name;
    },
    get mapRoles() {
      return api.mapRoles;
    },
    set mapRoles(value: MapRole[]) {
      api.mapRoles = value;
    },
    get mapUsers() {
      return api.mapUsers;
    },
    set mapUsers(value: MapUser[]) {
      api.mapUsers = value;
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      if (ownTls) await tls.cleanup();
    },
  };
}

/** Options for buildKubeconfig. */
export interface KubeconfigOptions {
  server: string;
  caData: string;
  /** Exec credential plugin: command, args, env (name/value pairs). */
  exec: { command: string; args?: string[]; env?: Record<string, string>; apiVersion?: string };
  contextName?: string;
}

/** A kubeconfig (JSON, which kubectl accepts as YAML) pointing at `server` with an exec user. */
export function buildKubeconfig(o: KubeconfigOptions): string {
  const name = o.contextName ?? 'eks-test';
  return JSON.stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name, cluster: { server: o.server, 'certificate-authority-data': o.caData } }],
      users: [
        {
          name,
          user: {
            exec: {
              apiVersion: o.exec.apiVersion ?? 'client.authentication.k8s.io/v1beta1',
              command: o.exec.command,
              args: o.exec.args ?? [],
              env: Object.entries(o.exec.env ?? {}).map(([k, v]) => ({ name: k, value: v })),
              interactiveMode: 'Never',
              provideClusterInfo: false,
            },
          },
        },
      ],
      contexts: [{ name, context: { cluster: name, user: name } }],
      'current-context': name,
    },
    null,
    2,
  );
}
