import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorAnswer } from '../../../src/protocol/errorAnswer.js';
import { EksTokenError } from '../../../src/shared/EksTokenError.js';

test('an error answer keeps a typed code; an unexpected error is E_DAEMON_INTERNAL, on one line', () => {
  assert.equal(errorAnswer(new EksTokenError('E_TOO_MANY_FETCHES', 'busy')).error.code, 'E_TOO_MANY_FETCHES');
  const unexpected = errorAnswer(new TypeError('x is undefined\n  at y'));
  assert.deepEqual(unexpected.error, { code: 'E_DAEMON_INTERNAL', message: 'x is undefined at y' });
});
