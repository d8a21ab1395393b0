import assert from 'node:assert/strict';
import { test } from 'node:test';
import { callerIdentity } from '../../../daemon/callerIdentity.js';
import { forwardedEnv } from '../../../src/protocol/forwardedEnv.js';

// The AWS CLI's older and default names pick the identity too: the daemon must get them and key its
// cache on them, or it would answer with a token for another principal.
test('AWS_SECURITY_TOKEN and AWS_DEFAULT_PROFILE are forwarded to the daemon and part of its cache key', () => {
  const env = { AWS_SECURITY_TOKEN: 'session', AWS_DEFAULT_PROFILE: 'dev', AWS_DEFAULT_REGION: 'eu-west-1' };
  const base = { HOME: '/nonexistent-home' };
  const without = callerIdentity(undefined, base, '/').hash;
  for (const [name, value] of Object.entries(env))
    assert.notEqual(callerIdentity(undefined, { ...base, [name]: value }, '/').hash, without, name);
  assert.deepEqual(forwardedEnv(env), env);
});
