import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readKubeconfigFile, writeKubeconfigFile } from '../../plugin/readKubeconfigFile.js';

const dir = mkdtempSync(join(tmpdir(), 'eks-token-kubeconfig-file-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a file that cannot be read or written is E_KUBECONFIG_IO; one that is not a kubeconfig is E_KUBECONFIG', async () => {
  const folder = join(dir, 'folder');
  mkdirSync(folder);
  await assert.rejects(readKubeconfigFile(folder, true), {
    code: 'E_KUBECONFIG_IO',
    message: /is a directory, not a file/,
  });
  await assert.rejects(readKubeconfigFile(join(dir, 'missing'), false), {
    code: 'E_KUBECONFIG_IO',
    message: /cannot read kubeconfig .*missing \(ENOENT\)/,
  });
  assert.equal((await readKubeconfigFile(join(dir, 'missing'), true)).text, '');
  const broken = join(dir, 'broken.yaml');
  writeFileSync(broken, 'users: [\n');
  // A directory in the path that is a file: no directory can be made there.
  await assert.rejects(writeKubeconfigFile(join(broken, 'config'), 'a: 1\n'), {
    code: 'E_KUBECONFIG_IO',
    message: /cannot write .*broken\.yaml\/config/,
  });
  await assert.rejects(readKubeconfigFile(broken, false), {
    code: 'E_KUBECONFIG',
    message: /broken\.yaml: kubeconfig is not valid YAML/,
  });
});
