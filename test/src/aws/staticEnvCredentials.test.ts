import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromEnv } from '@aws-sdk/credential-providers';
import fc from 'fast-check';
import { staticEnvCredentials } from '../../../src/aws/staticEnvCredentials.js';

const NAMES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
] as const;

test('the fast path returns what the SDK fromEnv returns, for any mix of variables but a key id alone', async () => {
  const saved = Object.fromEntries(NAMES.map((n) => [n, process.env[n]]));
  const value = fc.option(fc.stringMatching(/^[A-Za-z0-9/+=]{1,40}$/), { nil: undefined });
  const expiry = fc.option(
    fc
      .date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString()),
    { nil: undefined },
  );
  try {
    await fc.assert(
      fc.asyncProperty(value, value, value, expiry, async (id, secret, session, exp) => {
        const env: Record<string, string | undefined> = {
          AWS_ACCESS_KEY_ID: id,
          AWS_SECRET_ACCESS_KEY: secret,
          AWS_SESSION_TOKEN: session,
          AWS_CREDENTIAL_EXPIRATION: exp,
        };
        for (const n of NAMES) {
          if (env[n] === undefined) delete process.env[n];
          else process.env[n] = env[n];
        }
        const sdk = await fromEnv()().then(
          (c) => ({
            accessKeyId: c.accessKeyId,
            secretAccessKey: c.secretAccessKey,
            sessionToken: c.sessionToken,
            expiration: c.expiration?.toISOString(),
          }),
          () => undefined,
        );
        if (id && !secret) {
          // botocore refuses a key id without its secret (PartialCredentialsError); so does eks-token.
          assert.throws(() => staticEnvCredentials(env), { code: 'E_PARTIAL_ENV_CREDENTIALS' });
          return;
        }
        const ours = staticEnvCredentials(env);
        const mine = ours && {
          accessKeyId: ours.accessKeyId,
          secretAccessKey: ours.secretAccessKey,
          sessionToken: ours.sessionToken,
          expiration: ours.expiration?.toISOString(),
        };
        assert.deepEqual(mine, sdk);
      }),
      { numRuns: 200 },
    );
  } finally {
    for (const n of NAMES) {
      if (saved[n] === undefined) delete process.env[n];
      else process.env[n] = saved[n];
    }
  }
});

test('environment keys beat AWS_PROFILE and AWS_DEFAULT_PROFILE; only --profile beats them', () => {
  const env = { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret' };
  assert.equal(staticEnvCredentials(env)?.accessKeyId, 'AKID');
  assert.equal(staticEnvCredentials({ ...env, AWS_PROFILE: 'work' })?.accessKeyId, 'AKID');
  assert.equal(staticEnvCredentials({ ...env, AWS_DEFAULT_PROFILE: 'work' })?.accessKeyId, 'AKID');
  assert.equal(staticEnvCredentials(env, 'work'), undefined);
});

test('AWS_SECURITY_TOKEN is the session token, ahead of AWS_SESSION_TOKEN as in botocore', () => {
  const env = { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret' };
  assert.equal(staticEnvCredentials({ ...env, AWS_SECURITY_TOKEN: 'old' })?.sessionToken, 'old');
  assert.equal(
    staticEnvCredentials({ ...env, AWS_SECURITY_TOKEN: 'old', AWS_SESSION_TOKEN: 'new' })?.sessionToken,
    'old',
  );
  assert.equal(
    staticEnvCredentials({ ...env, AWS_SECURITY_TOKEN: '', AWS_SESSION_TOKEN: 'new' })?.sessionToken,
    'new',
  );
});
