// Building and installing the native cache-hit client: with a C compiler it is built and installed
// beside the bundle and the launcher runs it; without one, install.sh works as it does without it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { hasCommand } from '../helpers/hasCommand.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
// What install.sh --skip-build and scripts/buildNative.mjs read, copied so the build here is the copy's.
const PARTS = [
  'install.sh',
  'bin/eks-token',
  'README.md',
  'install',
  'native',
  'scripts/buildNative.mjs',
  'dist/bundle',
  'dist/plugin/checkNativeClient.js',
];

describe('the native client in a build and an install', () => {
  let dir: string;
  let env: Record<string, string>;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eks-token-native-install-'));
    env = { PATH: process.env.PATH ?? '', HOME: dir };
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** A copy of the package's parts, built with `cc`, then installed into its own prefix. */
  async function buildAndInstall(name: string, cc: string) {
    const pkg = join(dir, name);
    for (const part of PARTS) await cp(join(ROOT, part), join(pkg, part), { recursive: true });
    const build = await run(process.execPath, ['scripts/buildNative.mjs', '--quiet'], {
      cwd: pkg,
      env: { ...env, CC: cc },
    });
    const prefix = join(pkg, 'prefix');
    const install = await run(join(pkg, 'install.sh'), ['--skip-build', '--prefix', prefix], {
      cwd: '/',
      env: { ...env, CC: cc },
    });
    const launcher = await readFile(join(prefix, 'bin/eks-token'), 'utf8');
    const version = await run(join(prefix, 'bin/eks-token'), ['--version'], { cwd: '/', env });
    return { pkg, prefix, build, install, launcher, version: version.stdout };
  }

  it('without a C compiler: nothing built, nothing printed by the build, one line from install.sh, and eks-token works', async () => {
    const r = await buildAndInstall('nocc', join(dir, 'no-such-cc'));
    assert.equal(r.build.stdout + r.build.stderr, '');
    assert.equal(existsSync(join(r.pkg, 'dist/native/eks-token-hit')), false);
    assert.equal(existsSync(join(r.prefix, 'lib/eks-token/eks-token-hit')), false);
    assert.match(
      r.install.stdout,
      /^no C compiler .*: native cache-hit client not built; everything works without it$/m,
    );
    assert.match(r.launcher, /^hit=$/m);
    assert.match(r.version, /^\d+\.\d+\.\d+\n$/);
  });

  it('with cc: built with the hardening flags, installed beside the bundle, recorded in the launcher', {
    skip: !hasCommand('cc') && 'no C compiler (cc) on PATH',
  }, async () => {
    const r = await buildAndInstall('cc', 'cc');
    const hit = join(r.prefix, 'lib/eks-token/eks-token-hit');
    assert.ok(existsSync(hit));
    assert.match(r.install.stdout, /^native cache-hit client built: .*everything works without it\)$/m);
    assert.ok(r.launcher.includes(`\nhit='${hit}'\n`), r.launcher);
    assert.match(r.version, /^\d+\.\d+\.\d+\n$/);
    if (hasCommand('readelf')) {
      // Full RELRO and a position-independent executable: -z relro -z now -pie.
      const { stdout } = await run('readelf', ['-h', '-d', hit]);
      assert.match(stdout, /Type:\s+DYN/);
      assert.match(stdout, /BIND_NOW|FLAGS.*NOW/);
    }
  });

  it('a build that fails says so in one line and leaves no client behind', {
    skip: !hasCommand('cc') && 'no C compiler (cc) on PATH',
  }, async () => {
    const pkg = join(dir, 'broken');
    for (const part of PARTS) await cp(join(ROOT, part), join(pkg, part), { recursive: true });
    await mkdir(join(pkg, 'dist/native'), { recursive: true });
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(pkg, 'native/eks-token-hit.c'), 'int main(void) { int unused; return 0; }\n');
    const build = await run(process.execPath, ['scripts/buildNative.mjs', '--quiet'], { cwd: pkg, env });
    assert.match(
      build.stdout,
      /^native cache-hit client not built \(cc failed, see above\): eks-token works without it\n$/,
    );
    assert.equal(existsSync(join(pkg, 'dist/native/eks-token-hit')), false);
  });
});
