import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isIdentityEnv, NOISE_ENV } from '../../daemon/identityEnv.js';

test('every variable keys the cache but the listed per-shell noise and TERM*', () => {
  for (const name of ['PATH', 'HOME', 'IDENT', 'VAULT_TOKEN', 'AWS_PROFILE', 'SSH_AUTH_SOCK', 'http_proxy'])
    assert.equal(isIdentityEnv(name), true, name);
  for (const name of ['PWD', 'OLDPWD', 'SHLVL', '_', 'TERM', 'TERM_PROGRAM', 'COLUMNS', 'LINES', 'SSH_TTY'])
    assert.equal(isIdentityEnv(name), false, name);
  fc.assert(
    fc.property(fc.string({ maxLength: 12 }), (name) =>
      assert.equal(isIdentityEnv(name), !NOISE_ENV.has(name) && !name.startsWith('TERM'), name),
    ),
    { numRuns: 2000 },
  );
});
