import { request } from 'undici';
import { staticEnvCredentials } from '../src/aws/staticEnvCredentials.js';
import { trustExtraCaCerts } from '../src/aws/trustExtraCaCerts.js';
import { EksTokenError, formatErrorLine } from '../src/shared/EksTokenError.js';
import { fetchCallerIdentity } from '../src/token/fetchCallerIdentity.js';
import { credentialsForRequest, type MintDeps, resolveRequest } from '../src/token/mintToken.js';
import type { TokenRequest } from '../src/token/TokenRequest.js';
import type { Check } from './formatCheck.js';

type Env = Record<string, string | undefined>;

// SigV4 signatures and so every token fail beyond 5 minutes of skew; a minute is worth a warning.
const SKEW_FAIL_MS = 5 * 60_000;
const SKEW_WARN_MS = 60_000;

/** Where the AWS SDK chain takes credentials from, in its own order, without resolving them. */
export function describeCredentialSource(request: TokenRequest, env: Env): string {
  const role = request.roleArn ? `, then role ${request.roleArn}` : '';
  if (staticEnvCredentials(env, request.profile)) return `environment keys (AWS_ACCESS_KEY_ID)${role}`;
  const profile = request.profile || env.AWS_PROFILE;
  if (profile) return `profile ${profile}${role}`;
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE && env.AWS_ROLE_ARN)
    return `web identity (AWS_WEB_IDENTITY_TOKEN_FILE)${role}`;
  return `the SDK chain (profile default, SSO, container or instance metadata)${role}`;
}

/** Credential source and identity (STS GetCallerIdentity), then the clock against STS's Date header. */
export async function checkAws(request: TokenRequest, env: Env, now: () => number): Promise<Check[]> {
  const source = describeCredentialSource(request, env);
  const deps: MintDeps = {
    env,
    now,
    log: () => {},
    debug: false,
    mfaCodeProvider: async () => {
      throw new EksTokenError(
        'E_MFA_REQUIRED',
        'the profile asks for an MFA code',
        'run eks-token whoami in a terminal to enter it',
      );
    },
  };
  const checks: Check[] = [];
  let resolved: Awaited<ReturnType<typeof resolveRequest>>;
  try {
    resolved = await resolveRequest(request, deps);
  } catch (error) {
    return [{ status: 'fail', area: 'credentials', detail: `${source}: ${message(error)}` }];
  }
  trustExtraCaCerts(env, () => {});
  try {
    const credentials = await credentialsForRequest(resolved, deps);
    const identity = await fetchCallerIdentity(credentials, resolved.endpoint, env, now());
    checks.push({
      status: 'ok',
      area: 'credentials',
      detail: `${source}: ${identity.arn} (account ${identity.account}, STS ${resolved.endpoint.host})`,
    });
  } catch (error) {
    checks.push({ status: 'fail', area: 'credentials', detail: `${source}: ${message(error)}` });
  }
  checks.push(await checkClock(resolved.endpoint.host, env, now));
  return checks;
}

/** The clock against STS's own (its Date header), from an unsigned request: no credentials needed. */
export async function checkClock(stsHost: string, env: Env, now: () => number): Promise<Check> {
  const override = env.AWS_ENDPOINT_URL_STS || env.AWS_ENDPOINT_URL;
  const target = new URL('/', override || `https://${stsHost}`);
  let date: string | undefined;
  const sent = now();
  try {
    const response = await request(target, { method: 'GET', headersTimeout: 10_000, bodyTimeout: 10_000 });
    await response.body.dump();
    const header = response.headers.date;
    date = Array.isArray(header) ? header[0] : header;
  } catch (error) {
    return {
      status: 'warn',
      area: 'clock',
      detail: `not checked: STS at ${target.host} did not answer (${(error as Error).message})`,
    };
  }
  const server = date ? Date.parse(date) : Number.NaN;
  if (!Number.isFinite(server))
    return {
      status: 'warn',
      area: 'clock',
      detail: `not checked: STS at ${target.host} sent no Date header`,
    };
  // Date has whole seconds: compare with the middle of the exchange, rounded the same way.
  const skew = Math.floor((sent + now()) / 2 / 1000) * 1000 - server;
  const seconds = Math.round(Math.abs(skew) / 1000);
  const detail = `${seconds} s ${skew > 0 ? 'ahead of' : 'behind'} STS (Date from ${target.host})`;
  if (Math.abs(skew) > SKEW_FAIL_MS)
    return {
      status: 'fail',
      area: 'clock',
      detail: `${detail}: AWS refuses requests signed more than 5 minutes off`,
      fix: 'sync the clock (timedatectl set-ntp true, or your OS time settings)',
    };
  if (Math.abs(skew) > SKEW_WARN_MS)
    return {
      status: 'warn',
      area: 'clock',
      detail,
      fix: 'sync the clock (timedatectl set-ntp true, or your OS time settings)',
    };
  return { status: 'ok', area: 'clock', detail };
}

function message(error: unknown): string {
  return formatErrorLine(error).replace(/^eks-token: /, '');
}
