import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { readAwsFiles } from '../../../src/aws/readAwsFiles.js';

// Apart from the other reader tests: making a FIFO takes mkfifo(1), a process.
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eks-token-awsfiles-fifo-'));
});
after(() => rm(dir, { recursive: true, force: true }));

it('skips a directory and a FIFO without waiting for a writer', async () => {
  const fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  await mkdir(join(dir, 'adir'));
  const files = readAwsFiles({
    HOME: dir,
    AWS_CONFIG_FILE: fifo,
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'adir'),
  });
  assert.equal(files.config.exists, false);
  assert.equal(files.credentials.exists, false);
  assert.match(files.notes.join('\n'), /fifo is not a regular file \(a FIFO\); reading on without it/);
  assert.match(files.notes.join('\n'), /adir is not a regular file \(a directory\); reading on without it/);
});
