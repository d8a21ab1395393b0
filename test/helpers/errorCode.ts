import assert from 'node:assert/strict';
import { EksTokenError } from '../../src/shared/EksTokenError.js';

/** The EksTokenError code `fn` throws; fails the test when it throws nothing or something else. */
export function errorCodeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof EksTokenError, String(error));
    return error.code;
  }
  assert.fail('expected an error');
}
