/**
 * A loopback fake of AWS STS (query protocol) for end-to-end tests: AssumeRole, AssumeRoleWithWebIdentity and
 * GetCallerIdentity, with real SigV4 checking (header-signed and presigned), trust rules, and STS-shaped
 * XML/JSON answers and errors. Independent of src/.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  parseArn,
  randomAwsId,
  randomSecretKey,
  randomSessionToken,
  requestId,
  roleNameOf,
} from './awsFakes.js';
import {
  formatAmzDate,
  headerValue,
  parseQuery,
  type SigV4Failure,
  type SigV4Result,
  verifyAuthorizationHeader,
  verifyPresignedUrl,
} from './sigv4.js';
import { describeStsHost } from './stsHosts.js';
import {
  BAD_SIGNATURE,
  claimedAccessKey,
  decodeJwtClaims,
  INVALID_TOKEN,
  isoSeconds,
  PRESIGNED_LIFETIME_MS,
  readBody,
  requireParam,
  StsError,
  sendError,
  sendResult,
  validation,
  type XmlNode,
} from './stsWire.js';

/** A principal STS knows: long-term IAM user keys or temporary keys it issued. */
export interface StsIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  /** Required on every request signed with these keys when set (temporary credentials). */
  sessionToken?: string;
  arn: string;
  userId: string;
  account: string;
  /** Epoch ms after which the keys are rejected with ExpiredToken. */
  expiration?: number;
}

/** A role that can be assumed, with its trust policy reduced to what the tests need. */
export interface StsRole {
  roleArn: string;
  /** AROA... id; generated when omitted. */
  roleId?: string;
  /** Caller ARNs allowed to AssumeRole: exact ARN, its canonical role ARN, "arn:aws:iam::ACCT:root", or "*". */
  trustedPrincipals?: string[];
  /** sts:ExternalId the caller must pass. */
  externalId?: string;
  /** MFA the caller must pass as SerialNumber/TokenCode. */
  mfa?: { serialNumber: string; tokenCode: string };
  /** Role MaxSessionDuration; default 3600. */
  maxSessionDurationSeconds?: number;
  /** Web identity tokens accepted by AssumeRoleWithWebIdentity for this role. */
  webIdentityTokens?: string[];
}

/** One recorded STS request. */
export interface StsCall {
  seq: number;
  /** Server clock (opts.now) at arrival, epoch ms. */
  time: number;
  action: string;
  method: string;
  auth: 'header' | 'presigned' | 'none';
  /** Access key id claimed by the signature (also when verification failed). */
  accessKeyId?: string;
  /** Region of the credential scope the caller signed with. */
  signingRegion?: string;
  /** ARN of the verified caller. */
  callerArn?: string;
  /** Action parameters (query + form body) without the X-Amz-* auth parameters. */
  params: Record<string, string>;
  /** The x-k8s-aws-id request header, as EKS sends it with a presigned GetCallerIdentity. */
  clusterIdHeader?: string;
  /** Host header received. */
  host?: string;
  status: number;
  errorCode?: string;
  /** Temporary access key id issued by AssumeRole*. */
  issuedAccessKeyId?: string;
}

/** One role assumption as the log shows it. */
export interface RoleSessionCall {
  action: 'AssumeRole' | 'AssumeRoleWithWebIdentity';
  roleArn?: string;
  roleSessionName?: string;
  serialNumber?: string;
  tokenCode?: string;
  durationSeconds?: string;
  ok: boolean;
}

/** A canned failure returned instead of the real answer. */
export interface StsFault {
  /** Action to fail, or '*' for any. */
  action: string;
  status: number;
  code: string;
  message?: string;
  /** How many matching requests fail; default 1. */
  times?: number;
}

/** Options for startStsTestServer. */
export interface StsTestServerOptions {
  identities?: StsIdentity[];
  roles?: StsRole[];
  /** Injectable clock (epoch ms); default Date.now. */
  now?: () => number;
}

/** A running fake STS. */
export interface StsTestServer {
  /** Base URL, e.g. http://127.0.0.1:41234 (use as the SDK endpoint / AWS_ENDPOINT_URL_STS). */
  url: string;
  port: number;
  /** Every request, in arrival order. */
  calls: StsCall[];
  /** Number of recorded calls, optionally for one action and only successful (ok: true) or failed ones. */
  count(action?: string, filter?: { ok?: boolean }): number;
  /** Every AssumeRole and AssumeRoleWithWebIdentity call: role, session name, MFA serial and code, outcome. */
  roleSessions(): RoleSessionCall[];
  resetCalls(): void;
  addIdentity(identity: StsIdentity): StsIdentity;
  /** Creates and registers an IAM user with fresh AKIA keys. */
  addUser(account: string, userName: string): StsIdentity;
  addRole(role: StsRole): Required<Pick<StsRole, 'roleArn' | 'roleId'>> & StsRole;
  /** Known identity (long-term or issued) by access key id. */
  identity(accessKeyId: string): StsIdentity | undefined;
  /** Issues keys for a session of a registered role, as another AWS service does (SSO's role credentials). */
  issueRoleSession(roleArn: string, sessionName: string, seconds?: number): StsIdentity;
  /** Fails the next matching request(s) with the given STS error. */
  injectFault(fault: StsFault): void;
  close(): Promise<void>;
}

/** Creates an IAM user identity with random AKIA keys (not registered anywhere). */
export function newUserIdentity(account: string, userName: string, partition = 'aws'): StsIdentity {
  return {
    accessKeyId: randomAwsId('AKIA', 16),
    secretAccessKey: randomSecretKey(),
    arn: `arn:${partition}:iam::${account}:user/${userName}`,
    userId: randomAwsId('AIDA', 17),
    account,
  };
}

/** Builds an unsigned JWT-shaped web identity token (header.payload.signature) for AssumeRoleWithWebIdentity. */
export function fakeWebIdentityToken(claims: { sub: string; aud?: string; iss?: string }): string {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const payload = { iss: 'https://oidc.test.invalid', aud: 'sts.amazonaws.com', ...claims };
  return `${enc({ alg: 'RS256', typ: 'JWT' })}.${enc(payload)}.${Buffer.from('sig').toString('base64url')}`;
}

/** Starts the fake STS on 127.0.0.1 with an ephemeral port. */
export async function startStsTestServer(opts: StsTestServerOptions = {}): Promise<StsTestServer> {
  const now = opts.now ?? Date.now;
  const identities = new Map<string, StsIdentity>();
  const roles = new Map<string, StsRole & { roleId: string }>();
  const faults: StsFault[] = [];
  const calls: StsCall[] = [];
  let seq = 0;

  const addIdentity = (identity: StsIdentity): StsIdentity => {
    identities.set(identity.accessKeyId, { ...identity });
    return identity;
  };
  const addRole = (role: StsRole) => {
    const full = { ...role, roleId: role.roleId ?? randomAwsId('AROA', 17) };
    roles.set(role.roleArn, full);
    return full;
  };
  for (const identity of opts.identities ?? []) addIdentity(identity);
  for (const role of opts.roles ?? []) addRole(role);

  function authenticate(
    req: IncomingMessage,
    rawPath: string,
    rawQuery: string,
    body: Buffer,
    call: StsCall,
  ) {
    const query = new URLSearchParams(rawQuery);
    const claimed = claimedAccessKey(req, query);
    if (claimed) call.accessKeyId = claimed;
    const secretFor = (akid: string) => identities.get(akid)?.secretAccessKey;
    let result: SigV4Result;
    if (headerValue(req.headers, 'authorization') !== undefined) {
      call.auth = 'header';
      result = verifyAuthorizationHeader(
        req.method ?? 'GET',
        rawPath,
        rawQuery,
        req.headers,
        body,
        secretFor,
        {
          now: now(),
        },
      );
    } else if (query.has('X-Amz-Signature') || query.has('X-Amz-Credential')) {
      call.auth = 'presigned';
      result = verifyPresignedUrl(req.url ?? '/', req.headers, {
        secretFor,
        now: now(),
        lifetimeMs: PRESIGNED_LIFETIME_MS,
        method: req.method ?? 'GET',
        body,
      });
    } else {
      return undefined;
    }
    if (!result.ok) throw authError(result);
    call.signingRegion = result.region;
    if (result.service !== 'sts')
      throw new StsError(
        403,
        'SignatureDoesNotMatch',
        "Credential should be scoped to correct service: 'sts'. ",
      );
    const hostInfo = describeStsHost(headerValue(req.headers, 'host') ?? '');
    if (hostInfo && hostInfo.region !== result.region)
      throw new StsError(403, 'SignatureDoesNotMatch', 'Credential should be scoped to a valid region. ');
    const identity = identities.get(result.accessKeyId);
    if (!identity) throw INVALID_TOKEN();
    if ((identity.sessionToken ?? '') !== (result.sessionToken ?? '')) throw INVALID_TOKEN();
    if (identity.expiration !== undefined && identity.expiration <= now())
      throw new StsError(400, 'ExpiredToken', 'The security token included in the request is expired');
    call.callerArn = identity.arn;
    return identity;
  }

  function authError(failure: SigV4Failure): StsError {
    const n = now();
    const stamp = failure.date ?? '';
    switch (failure.reason) {
      case 'unknown-access-key':
        return INVALID_TOKEN();
      case 'expired':
        return new StsError(
          403,
          'SignatureDoesNotMatch',
          `Signature expired: ${stamp} is now earlier than ${formatAmzDate(n - PRESIGNED_LIFETIME_MS)} (${formatAmzDate(n)} - 15 min.)`,
        );
      case 'not-yet-valid':
        return new StsError(
          403,
          'SignatureDoesNotMatch',
          `Signature not yet current: ${stamp} is still later than ${formatAmzDate(n + PRESIGNED_LIFETIME_MS)} (${formatAmzDate(n)} + 15 min.)`,
        );
      case 'signature-mismatch':
      case 'missing-signed-header':
      case 'payload-hash-mismatch':
      case 'bad-signed-headers':
      case 'host-not-signed':
        return new StsError(403, 'SignatureDoesNotMatch', BAD_SIGNATURE);
      default:
        return new StsError(
          400,
          'IncompleteSignature',
          `The request signature is malformed: ${failure.detail}`,
        );
    }
  }

  function durationFor(params: Record<string, string>, role: StsRole, chained: boolean): number {
    const raw = params.DurationSeconds;
    if (raw === undefined) return 3600;
    if (!/^\d+$/.test(raw)) throw validation('durationSeconds', raw, 'Member must be an integer');
    const seconds = Number(raw);
    if (seconds < 900)
      throw validation('durationSeconds', raw, 'Member must have value greater than or equal to 900');
    if (seconds > 43200)
      throw validation('durationSeconds', raw, 'Member must have value less than or equal to 43200');
    if (chained && seconds > 3600)
      throw new StsError(
        400,
        'ValidationError',
        'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
      );
    if (seconds > (role.maxSessionDurationSeconds ?? 3600))
      throw new StsError(
        400,
        'ValidationError',
        'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      );
    return seconds;
  }

  function checkSessionName(name: string): void {
    if (name.length < 2 || name.length > 64)
      throw validation('roleSessionName', name, 'Member must have length between 2 and 64');
    if (!/^[\w+=,.@-]*$/.test(name))
      throw validation(
        'roleSessionName',
        name,
        'Member must satisfy regular expression pattern: [\\w+=,.@-]*',
      );
  }

  function issue(role: StsRole & { roleId: string }, session: string, seconds: number) {
    const p = parseArn(role.roleArn);
    const account = p?.account ?? '000000000000';
    const arn = `arn:${p?.partition ?? 'aws'}:sts::${account}:assumed-role/${roleNameOf(role.roleArn)}/${session}`;
    const identity: StsIdentity = {
      accessKeyId: randomAwsId('ASIA', 16),
      secretAccessKey: randomSecretKey(),
      sessionToken: randomSessionToken(),
      arn,
      userId: `${role.roleId}:${session}`,
      account,
      expiration: Math.floor((now() + seconds * 1000) / 1000) * 1000,
    };
    addIdentity(identity);
    return {
      identity,
      credentials: {
        AccessKeyId: identity.accessKeyId,
        SecretAccessKey: identity.secretAccessKey,
        SessionToken: identity.sessionToken as string,
        Expiration: isoSeconds(identity.expiration as number),
      },
      assumedRoleUser: { Arn: arn, AssumedRoleId: identity.userId },
    };
  }

  function trusts(role: StsRole, caller: StsIdentity): boolean {
    const canonical = caller.arn.replace(
      /^arn:([^:]+):sts::(\d+):assumed-role\/([^/]+)\/.*$/,
      'arn:$1:iam::$2:role/$3',
    );
    const root = `arn:${parseArn(caller.arn)?.partition ?? 'aws'}:iam::${caller.account}:root`;
    return (role.trustedPrincipals ?? []).some(
      (p) => p === '*' || p === caller.arn || p === canonical || p === root,
    );
  }

  function assumeRole(params: Record<string, string>, caller: StsIdentity, call: StsCall): XmlNode {
    const roleArn = requireParam(params, 'RoleArn');
    const session = requireParam(params, 'RoleSessionName');
    if (roleArn.length < 20 || !roleArn.startsWith('arn:'))
      throw validation('roleArn', roleArn, 'Member must have length greater than or equal to 20');
    checkSessionName(session);
    const tokenCode = params.TokenCode;
    if (tokenCode !== undefined && !/^\d{6}$/.test(tokenCode))
      throw validation('tokenCode', tokenCode, 'Member must satisfy regular expression pattern: [\\d]*');
    const chained = caller.arn.includes(':assumed-role/');
    const denied = new StsError(
      403,
      'AccessDenied',
      `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    );
    const role = roles.get(roleArn);
    if (!role) throw denied;
    const seconds = durationFor(params, role, chained);
    if (!trusts(role, caller)) throw denied;
    if (role.externalId !== undefined && params.ExternalId !== role.externalId) throw denied;
    if (role.mfa) {
      if (params.SerialNumber !== role.mfa.serialNumber || tokenCode === undefined) throw denied;
      if (tokenCode !== role.mfa.tokenCode)
        throw new StsError(
          403,
          'AccessDenied',
          'MultiFactorAuthentication failed with invalid MFA one time pass code. ',
        );
    }
    const issued = issue(role, session, seconds);
    call.issuedAccessKeyId = issued.identity.accessKeyId;
    return { Credentials: issued.credentials, AssumedRoleUser: issued.assumedRoleUser };
  }

  function assumeRoleWithWebIdentity(params: Record<string, string>, call: StsCall): XmlNode {
    const roleArn = requireParam(params, 'RoleArn');
    const session = requireParam(params, 'RoleSessionName');
    const token = requireParam(params, 'WebIdentityToken');
    checkSessionName(session);
    const claims = decodeJwtClaims(token);
    if (!claims)
      throw new StsError(
        400,
        'InvalidIdentityToken',
        'The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)',
      );
    const role = roles.get(roleArn);
    const denied = new StsError(
      403,
      'AccessDenied',
      'Not authorized to perform sts:AssumeRoleWithWebIdentity',
    );
    if (!role) throw denied;
    const seconds = durationFor(params, role, false);
    if (!(role.webIdentityTokens ?? []).includes(token)) throw denied;
    const issued = issue(role, session, seconds);
    call.issuedAccessKeyId = issued.identity.accessKeyId;
    const str = (v: unknown, d: string) => (typeof v === 'string' ? v : d);
    return {
      SubjectFromWebIdentityToken: str(claims.sub, 'unknown'),
      Audience: str(claims.aud, 'sts.amazonaws.com'),
      AssumedRoleUser: issued.assumedRoleUser,
      Credentials: issued.credentials,
      Provider: str(claims.iss, 'oidc.test.invalid').replace(/^https:\/\//, ''),
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const reqId = requestId();
    const call: StsCall = {
      seq: ++seq,
      time: now(),
      action: '',
      method: req.method ?? 'GET',
      auth: 'none',
      params: {},
      status: 0,
    };
    const host = headerValue(req.headers, 'host');
    if (host !== undefined) call.host = host;
    const clusterId = headerValue(req.headers, 'x-k8s-aws-id');
    if (clusterId !== undefined) call.clusterIdHeader = clusterId;
    calls.push(call);
    try {
      const body = await readBody(req);
      const rawUrl = req.url ?? '/';
      const q = rawUrl.indexOf('?');
      const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
      const rawQuery = q < 0 ? '' : rawUrl.slice(q + 1);
      let pairs: Array<[string, string]>;
      try {
        pairs = [...parseQuery(rawQuery)];
        if (
          req.method === 'POST' &&
          /x-www-form-urlencoded/i.test(headerValue(req.headers, 'content-type') ?? '')
        )
          pairs.push(...parseQuery(body.toString('utf8')));
      } catch {
        throw new StsError(400, 'MalformedQueryString', 'Invalid percent-encoding in request');
      }
      for (const [k, v] of pairs) if (!/^x-amz-/i.test(k)) call.params[k] = v;
      const action = call.params.Action ?? '';
      call.action = action;
      const fault = faults.find((f) => f.action === '*' || f.action === action);
      if (fault) {
        fault.times = (fault.times ?? 1) - 1;
        if (fault.times <= 0) faults.splice(faults.indexOf(fault), 1);
        throw new StsError(
          fault.status,
          fault.code,
          fault.message ?? fault.code,
          fault.status >= 500 ? 'Receiver' : 'Sender',
        );
      }
      if (action === '') throw new StsError(400, 'MissingAction', 'Missing Action');
      const caller = authenticate(req, rawPath, rawQuery, body, call);
      let result: XmlNode;
      if (action === 'AssumeRoleWithWebIdentity') {
        result = assumeRoleWithWebIdentity(call.params, call);
      } else if (!caller) {
        throw new StsError(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
      } else if (action === 'GetCallerIdentity') {
        result = { Arn: caller.arn, UserId: caller.userId, Account: caller.account };
      } else if (action === 'AssumeRole') {
        result = assumeRole(call.params, caller, call);
      } else {
        throw new StsError(400, 'InvalidAction', `Could not find operation ${action} for version 2011-06-15`);
      }
      call.status = 200;
      sendResult(req, res, action, result, reqId);
    } catch (error) {
      const err =
        error instanceof StsError
          ? error
          : new StsError(500, 'InternalFailure', 'internal error', 'Receiver');
      call.status = err.status;
      call.errorCode = err.code;
      sendError(req, res, err, reqId);
    }
  }

  const server = createServer((req, res) => {
    // STS dates its answers by its own clock, which is how a client sees its clock is off.
    res.setHeader('date', new Date(now()).toUTCString());
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    calls,
    count(action, filter = {}) {
      return calls.filter(
        (c) =>
          (action === undefined || c.action === action) &&
          (filter.ok === undefined || (c.status === 200) === filter.ok),
      ).length;
    },
    roleSessions() {
      return calls
        .filter((c) => c.action === 'AssumeRole' || c.action === 'AssumeRoleWithWebIdentity')
        .map((c) => {
          const p = c.params;
          const session: RoleSessionCall = {
            action: c.action as RoleSessionCall['action'],
            ok: c.status === 200,
          };
          const pick = {
            roleArn: p.RoleArn,
            roleSessionName: p.RoleSessionName,
            serialNumber: p.SerialNumber,
          };
          for (const [k, v] of Object.entries({
            ...pick,
            tokenCode: p.TokenCode,
            durationSeconds: p.DurationSeconds,
          }))
            if (v !== undefined) session[k as 'roleArn'] = v;
          return session;
        });
    },
    resetCalls() {
      calls.length = 0;
    },
    addIdentity,
    addUser(account, userName) {
      return addIdentity(newUserIdentity(account, userName));
    },
    addRole,
    identity(accessKeyId) {
      return identities.get(accessKeyId);
    },
    issueRoleSession(roleArn, sessionName, seconds = 3600) {
      const role = roles.get(roleArn);
      if (!role) throw new Error(`no role ${roleArn}`);
      return issue(role, sessionName, seconds).identity;
    },
    injectFault(fault) {
      faults.push({ ...fault });
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
