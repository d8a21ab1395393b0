import assert from 'node:assert/strict';
import {
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeFileAtomic } from '../../../src/shared/writeFileAtomic.js';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'eks-token-atomic-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('creates missing directories and the file with mode 0600, leaving no temp file', () =>
  withDir(async (dir) => {
    const file = join(dir, '.kube', 'config');
    await writeFileAtomic(file, 'a: 1\n');
    assert.equal(await readFile(file, 'utf8'), 'a: 1\n');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.equal((await stat(join(dir, '.kube'))).mode & 0o777, 0o700);
    assert.deepEqual(await readdir(join(dir, '.kube')), ['config']);
  }));

test('replaces a world-readable file with a 0600 one, as a new inode', () =>
  withDir(async (dir) => {
    const file = join(dir, 'config');
    await writeFile(file, 'old\n', { mode: 0o644 });
    const before = await stat(file);
    await writeFileAtomic(file, 'new\n');
    const after = await stat(file);
    assert.equal(await readFile(file, 'utf8'), 'new\n');
    assert.equal(after.mode & 0o777, 0o600);
    // A new inode means readers holding the old file never saw a half-written one.
    assert.notEqual(after.ino, before.ino);
  }));

test('follows a symlink so the link stays a link', () =>
  withDir(async (dir) => {
    const real = join(dir, 'dotfiles-kubeconfig');
    const link = join(dir, 'config');
    await writeFile(real, 'old\n');
    await symlink(real, link);
    await writeFileAtomic(link, 'new\n');
    assert.ok((await lstat(link)).isSymbolicLink());
    assert.equal(await readlink(link), real);
    assert.equal(await readFile(real, 'utf8'), 'new\n');
  }));

test('a failed write leaves the old file and no temp file behind', () =>
  withDir(async (dir) => {
    const target = join(dir, 'config');
    // Renaming a file over a directory fails after the temp file was written.
    await writeFile(join(dir, 'keep'), 'x');
    await mkdir(target);
    await assert.rejects(writeFileAtomic(target, 'new\n'), /EISDIR|EEXIST|ENOTEMPTY|EPERM/);
    assert.deepEqual((await readdir(dir)).sort(), ['config', 'keep']);
  }));

test('concurrent writers never interleave: the result is one of the writes', () =>
  withDir(async (dir) => {
    const file = join(dir, 'config');
    const bodies = Array.from({ length: 20 }, (_, i) => `${String(i).repeat(50_000)}\n`);
    await Promise.all(bodies.map((b) => writeFileAtomic(file, b)));
    assert.ok(bodies.includes(await readFile(file, 'utf8')));
    assert.deepEqual(await readdir(dir), ['config']);
  }));
