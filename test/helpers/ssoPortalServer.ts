/**
 * A loopback stand-in for the IAM Identity Center portal API (`sso`, GetRoleCredentials): role
 * credentials for the bearer tokens it issued, taken from the loopback STS so a token signed with
 * them verifies there as the role's session. Logs every call. Independent of src/.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { StsIdentity } from './stsTestServer.js';

/** One GetRoleCredentials call as the portal saw it. */
export interface SsoPortalCall {
  accountId: string | null;
  roleName: string | null;
  /** The `x-amz-sso_bearer_token` header (a test token, not a secret of anyone's). */
  bearerToken: string | undefined;
  status: number;
  /** Access key id handed out, on success. */
  accessKeyId?: string;
}

/** A running portal stand-in. */
export interface SsoPortalServer {
  /** Base URL, for AWS_ENDPOINT_URL_SSO. */
  url: string;
  calls: SsoPortalCall[];
  /** A new access token, as `aws sso login` gets one; the portal accepts it until revoked. */
  issueToken(): string;
  close(): Promise<void>;
}

/**
 * Starts the portal on 127.0.0.1. `session(accountId, roleName)` gives the role session's keys (the
 * loopback STS's `issueRoleSession`), or undefined when the user has no such role assignment.
 */
export async function startSsoPortalServer(
  session: (accountId: string, roleName: string) => StsIdentity | undefined,
): Promise<SsoPortalServer> {
  const tokens = new Set<string>();
  const calls: SsoPortalCall[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://portal');
    const header = req.headers['x-amz-sso_bearer_token'];
    const call: SsoPortalCall = {
      accountId: url.searchParams.get('account_id'),
      roleName: url.searchParams.get('role_name'),
      bearerToken: Array.isArray(header) ? header[0] : header,
      status: 200,
    };
    calls.push(call);
    const answer = (status: number, body: object, errorType?: string) => {
      call.status = status;
      res.writeHead(status, {
        'content-type': 'application/json',
        ...(errorType ? { 'x-amzn-errortype': `${errorType}:http://internal.amazon.com/coral/` } : {}),
      });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET' || url.pathname !== '/federation/credentials')
      return answer(404, { message: 'Not Found' }, 'ResourceNotFoundException');
    if (!call.bearerToken || !tokens.has(call.bearerToken))
      return answer(401, { message: 'Session token not found or invalid' }, 'UnauthorizedException');
    const keys = session(call.accountId ?? '', call.roleName ?? '');
    if (!keys?.sessionToken || keys.expiration === undefined)
      return answer(403, { message: 'No access' }, 'ForbiddenException');
    call.accessKeyId = keys.accessKeyId;
    answer(200, {
      roleCredentials: {
        accessKeyId: keys.accessKeyId,
        secretAccessKey: keys.secretAccessKey,
        sessionToken: keys.sessionToken,
        expiration: keys.expiration,
      },
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    issueToken() {
      const token = `aoa${randomBytes(24).toString('base64url')}`;
      tokens.add(token);
      return token;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** What `aws sso login` stores for a start URL (legacy profiles) or an `[sso-session]`. */
export interface SsoLogin {
  startUrl: string;
  region: string;
  accessToken: string;
  /** Epoch ms. */
  expiresAt: number;
  /** The `[sso-session NAME]`, whose name keys the file instead of the start URL. */
  sessionName?: string;
}

/**
 * Writes the token cache file as `aws sso login` does: `~/.aws/sso/cache/<SHA-1 of the session
 * name, else of the start URL>.json`, replaced in one rename; returns its path.
 */
export function writeSsoLogin(home: string, login: SsoLogin): string {
  const dir = join(home, '.aws', 'sso', 'cache');
  mkdirSync(dir, { recursive: true });
  const key = createHash('sha1')
    .update(login.sessionName ?? login.startUrl)
    .digest('hex');
  const path = join(dir, `${key}.json`);
  const record = {
    startUrl: login.startUrl,
    region: login.region,
    accessToken: login.accessToken,
    expiresAt: new Date(login.expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
  writeFileSync(`${path}.tmp`, JSON.stringify(record), { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
  return path;
}
