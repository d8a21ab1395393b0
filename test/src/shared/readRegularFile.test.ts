import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { awsFileProblem } from '../../../src/aws/awsFilePaths.js';
import { MAX_AWS_FILE_BYTES, readRegularFile } from '../../../src/shared/readRegularFile.js';
import { errorCodeOf } from '../../helpers/errorCode.js';

const dir = mkdtempSync(join(tmpdir(), 'eks-token-files-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a FIFO (no writer) is refused at once with E_AWS_FILE: opened without blocking, checked on the descriptor', () => {
  const fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  assert.equal(
    errorCodeOf(() => readRegularFile(fifo)),
    'E_AWS_FILE',
  );
  assert.equal(awsFileProblem({ HOME: dir, AWS_CONFIG_FILE: fifo })?.code, 'E_AWS_FILE');
});

test('a file over the cap is refused with E_AWS_FILE; a directory is not read, but left to readers that skip it as aws does', () => {
  const big = join(dir, 'big');
  writeFileSync(big, Buffer.alloc(MAX_AWS_FILE_BYTES + 1, 0x61));
  assert.equal(
    errorCodeOf(() => readRegularFile(big)),
    'E_AWS_FILE',
  );
  assert.equal(awsFileProblem({ HOME: dir, AWS_SHARED_CREDENTIALS_FILE: big })?.code, 'E_AWS_FILE');
  assert.equal(
    errorCodeOf(() => readRegularFile(dir)),
    'E_AWS_FILE',
  );
  assert.equal(awsFileProblem({ HOME: dir, AWS_CONFIG_FILE: dir }), undefined);
});

test('a regular file is read with a stamp that changes when it is written; an absent one is undefined', () => {
  const file = join(dir, 'config');
  writeFileSync(file, '[default]\nregion = eu-west-1\n');
  const first = readRegularFile(file);
  assert.equal(first?.bytes.toString(), '[default]\nregion = eu-west-1\n');
  writeFileSync(file, '[default]\nregion = eu-central-1\n');
  assert.notEqual(readRegularFile(file)?.stamp, first?.stamp);
  assert.equal(readRegularFile(join(dir, 'absent')), undefined);
  assert.equal(readRegularFile(join(file, 'below-a-file')), undefined);
  assert.equal(awsFileProblem({ HOME: dir, AWS_CONFIG_FILE: file }), undefined);
});

test('given `skip`, what is not a regular file is skipped with its reason, as aws skips it; over the cap still refused', () => {
  const fifo = join(dir, 'fifo-skipped');
  execFileSync('mkfifo', [fifo]);
  const heard: string[] = [];
  assert.equal(
    readRegularFile(fifo, (problem) => heard.push(problem)),
    undefined,
  );
  assert.equal(
    readRegularFile(dir, (problem) => heard.push(problem)),
    undefined,
  );
  assert.deepEqual(heard, ['is not a regular file (a FIFO)', 'is not a regular file (a directory)']);
  const big = join(dir, 'big-skipped');
  writeFileSync(big, Buffer.alloc(MAX_AWS_FILE_BYTES + 1, 0x61));
  assert.equal(
    errorCodeOf(() => readRegularFile(big, () => undefined)),
    'E_AWS_FILE',
  );
});
