import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { runCredentialChild } from '../../daemon/runCredentialChild.js';
import { MAX_LINE_BYTES } from '../../src/protocol/DaemonRequest.js';

test('a request longer than a line is the credential child failing (E_CREDENTIAL_CHILD)', async () => {
  const stdin = new PassThrough();
  stdin.end('x'.repeat(MAX_LINE_BYTES + 1));
  let out = '';
  const code = await runCredentialChild({
    env: {},
    now: () => 0,
    stdin,
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: () => true },
  });
  assert.equal(code, 1);
  assert.deepEqual(JSON.parse(out).error.code, 'E_CREDENTIAL_CHILD');
});
