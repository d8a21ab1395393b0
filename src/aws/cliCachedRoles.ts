import * as sts from '@aws-sdk/nested-clients/sts';
import type { AwsCredentials } from './AwsCredentials.js';
import {
  type CacheKeyArgs,
  cliCacheDir,
  cliCacheEnabled,
  cliCacheKey,
  readCliCache,
  writeCliCache,
} from './readCliCache.js';
import {
  assumeRoleKeyArgs,
  botocoreSessionName,
  isAssumeRoleProfile,
  readRoleChain,
  topWebIdentity,
  webIdentityKeyArgs,
} from './readRoleChain.js';

type Env = Record<string, string | undefined>;
type Params = {
  RoleArn?: string;
  RoleSessionName?: string;
  SerialNumber?: string;
  TokenCode?: string;
  DurationSeconds?: number;
};
/** Credentials as the SDK's providers pass them around. */
export type Identity = {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
};
type Handler = (args: object) => Promise<{ output: unknown }>;
type Stack = { add: (middleware: (next: Handler) => Handler, options: object) => void };

/** Where the profile in effect is and how STS calls are made. */
export interface CliCachedRolesOptions {
  env: Env;
  /** The profile in effect. */
  profile: string;
  /** --profile was given: botocore then ignores the web identity variables. */
  explicitProfile: boolean;
  region: string;
  now: () => number;
  /** The SDK logger of this resolution. */
  logger: Logger;
  /** Asks the user for the MFA code of a serial. */
  mfaCodeProvider: (serial: string) => Promise<string>;
}

type Logger = {
  debug: (...parts: unknown[]) => void;
  info: (...parts: unknown[]) => void;
  warn: (...parts: unknown[]) => void;
  error: (...parts: unknown[]) => void;
};

/** The AWS CLI's role sessions for one resolution: cached files first, botocore's session names. */
export interface CliCachedRoles {
  /** The profile in effect's role credentials from the AWS CLI's cache, looked at before any prompt. */
  cachedProfileRole(): Promise<AwsCredentials | undefined>;
  /**
   * The SDK's mfaCodeProvider (fromIni): no prompt while a role of the chain with that serial has a
   * cached session, since the roleAssumer then takes it (botocore prompts only on a cache miss).
   */
  mfaCodeProvider(serial: string): Promise<string>;
  /** The SDK's roleAssumer (fromIni), through the cache. */
  roleAssumer(source: Identity, params: Params): Promise<Identity>;
  /** The SDK's roleAssumerWithWebIdentity (fromIni, fromTokenFile), through the cache. */
  roleAssumerWithWebIdentity(params: Params): Promise<Identity>;
  /**
   * The web identity botocore takes before the profile's keys, SSO and credential_process (its
   * provider comes right after environment keys and a role profile's AssumeRole), when the
   * environment or the profile in effect sets one; its settings as botocore picks them.
   */
  webIdentityFirst: { roleArn: string; tokenFile: string; sessionName: string | undefined } | undefined;
}

/**
 * Role credentials as aws v1 gets them: profile roles (each link of a source_profile chain) and the
 * top-level web identity through ~/.aws/cli/cache (unless EKS_TOKEN_CLI_CACHE=off), sessions named
 * as botocore names them; the STS calls themselves are the SDK's default role assumers.
 */
export async function cliCachedRoles(o: CliCachedRolesOptions): Promise<CliCachedRoles> {
  const { top, steps, sessionNames } = await readRoleChain(o.env, o.profile);
  const webTop = topWebIdentity(o.env, top, o.explicitProfile);
  const enabled = cliCacheEnabled(o.env);
  const dir = cliCacheDir(o.env);
  const stsOptions = {
    region: o.region,
    credentialProviderLogger: o.logger,
    parentClientConfig: { region: o.region },
  };
  // The default assumers return only credentials; the file keeps STS's whole answer, as botocore's does.
  let answer: Record<string, unknown> | undefined;
  const capture = {
    applyToStack: (stack: Stack) =>
      stack.add(
        (next) => async (args) => {
          const result = await next(args);
          answer = result.output as Record<string, unknown>;
          return result;
        },
        { step: 'initialize', name: 'eksTokenKeepRoleAnswer' },
      ),
  };
  // The SDK's own assumers (each makes its STS client on first use), as fromIni would make them.
  const assume = sts.getDefaultRoleAssumer(stsOptions, [capture as never]);
  const assumeWeb = sts.getDefaultRoleAssumerWithWebIdentity(stsOptions, [capture as never]);

  const cached = (args: CacheKeyArgs) =>
    enabled
      ? readCliCache(dir, cliCacheKey(args), String(args.RoleArn), o.now())
      : Promise.resolve(undefined);
  const keep = async (args: CacheKeyArgs) => {
    const user = answer?.AssumedRoleUser as Record<string, string | undefined> | undefined;
    const c = answer?.Credentials as Record<string, unknown> | undefined;
    answer = undefined;
    if (!enabled || !user?.Arn || !c || !(c.Expiration instanceof Date) || typeof c.SessionToken !== 'string')
      return;
    o.logger.debug(`eks-token: keeping the role session in ${dir}`);
    await writeCliCache(dir, cliCacheKey(args), {
      credentials: {
        accessKeyId: String(c.AccessKeyId),
        secretAccessKey: String(c.SecretAccessKey),
        sessionToken: c.SessionToken,
        expiration: c.Expiration,
      },
      assumedRoleArn: user.Arn,
      ...(user.AssumedRoleId ? { assumedRoleId: user.AssumedRoleId } : {}),
    });
  };

  // fromIni asks for a role's code before its roleAssumer looks at the cache: a code not asked for
  // yet is this marker, replaced by a real one before any STS call (the entry may be gone by then).
  const later = `eks-token-mfa-later-${o.now()}`;
  const withCode = async (params: Params): Promise<Params> =>
    params.TokenCode === later && params.SerialNumber
      ? { ...params, TokenCode: await o.mfaCodeProvider(params.SerialNumber) }
      : params;

  return {
    webIdentityFirst: isAssumeRoleProfile(top) ? undefined : webTop,
    async cachedProfileRole() {
      return isAssumeRoleProfile(top) ? cached(assumeRoleKeyArgs(top)) : undefined;
    },
    async mfaCodeProvider(serial) {
      for (const step of steps)
        if (step.mfa_serial === serial && (await cached(assumeRoleKeyArgs(step)))) return later;
      return o.mfaCodeProvider(serial);
    },
    async roleAssumer(source, params) {
      const step = steps.find(
        (s) => s.role_arn === params.RoleArn && (s.mfa_serial || undefined) === params.SerialNumber,
      );
      if (!step) return assume(source, (await withCode(params)) as never);
      const args = assumeRoleKeyArgs(step);
      const hit = await cached(args);
      if (hit) return hit;
      const call: Params = {
        ...(await withCode(params)),
        RoleSessionName: step.role_session_name || botocoreSessionName(o.now()),
      };
      // botocore asks for a duration only when the profile sets one (STS's default is the same hour).
      if (args.DurationSeconds === undefined) delete call.DurationSeconds;
      const credentials = await assume(source, call as never);
      await keep(args);
      return credentials;
    },
    async roleAssumerWithWebIdentity(params) {
      const isTop = webTop !== undefined && params.RoleArn === webTop.roleArn;
      const named = isTop ? webTop.sessionName : params.RoleSessionName;
      const args = webIdentityKeyArgs(String(params.RoleArn), isTop ? webTop.sessionName : undefined);
      // botocore caches only the chain's own web identity provider, not a source profile's.
      const hit = isTop ? await cached(args) : undefined;
      if (hit) return hit;
      // A session name no profile (nor AWS_ROLE_SESSION_NAME) sets is the SDK's own default.
      const configured = named !== undefined && (isTop || sessionNames.has(named));
      const call = { ...params, RoleSessionName: configured ? named : botocoreSessionName(o.now()) };
      const credentials = await assumeWeb(call as never);
      if (isTop) await keep(args);
      else answer = undefined;
      return credentials;
    },
  };
}
