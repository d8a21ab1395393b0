import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { NATIVE_HIT } from './daemonHarness.js';

/** Why the native client's suites skip, or undefined when it is built. */
export const NATIVE_SKIP = existsSync(NATIVE_HIT)
  ? undefined
  : `no native client at ${NATIVE_HIT}: the build found no C compiler (cc)`;

/**
 * Runs a test file's tests again with every plain plugin run starting at the native client (as the
 * launcher starts it), so one set of tests holds both clients to the same behaviour.
 */
export async function withNativeClient(testFile: URL): Promise<void> {
  if (NATIVE_SKIP) {
    test('the same tests with the native client', { skip: NATIVE_SKIP }, () => {});
    return;
  }
  process.env.EKS_TOKEN_TEST_CLIENT = 'native';
  await import(testFile.href);
}
