import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { withStartLock } from '../../daemon/withStartLock.js';
import { isEksTokenError } from '../../src/shared/EksTokenError.js';

test('a start lock that cannot be created is E_START_LOCK, and the start does not run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eks-token-lock-'));
  try {
    let ran = false;
    await assert.rejects(
      withStartLock(join(dir, 'missing', 'daemon.lock'), async () => {
        ran = true;
      }),
      (e: unknown) => isEksTokenError(e) && e.code === 'E_START_LOCK',
    );
    assert.equal(ran, false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
