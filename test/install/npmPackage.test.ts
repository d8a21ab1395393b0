import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

// The package as npm users get it, packed from this build (prepack would rebuild dist under the
// running tests, so --ignore-scripts), installed offline: it has nothing to download.
describe('the npm package', () => {
  let dir: string;
  let tarball: string;
  let files: string[];
  const prefix = () => join(dir, 'prefix');
  const npmEnv = () => ({
    PATH: process.env.PATH ?? '',
    HOME: dir,
    npm_config_cache: join(dir, 'npm-cache'),
    npm_config_update_notifier: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eks-token-npm-'));
    const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
      cwd: ROOT,
      env: npmEnv(),
    });
    const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    assert.ok(info);
    tarball = join(dir, info.filename);
    files = info.files.map((f) => f.path).sort();
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('holds the bundle and its licences, the launcher, the native client source, README, LICENSE and package.json, nothing else', async () => {
    const bundles = (await readdir(join(ROOT, 'dist/bundle'))).filter((f) => f.endsWith('.cjs'));
    assert.ok(bundles.includes('cli.cjs'));
    const expected = [
      'LICENSE',
      'README.md',
      'bin/eks-token',
      'native/eks-token-hit.c',
      'package.json',
      'dist/bundle/THIRD-PARTY-LICENSES.txt',
      ...bundles.map((f) => `dist/bundle/${f}`),
    ].sort();
    assert.deepEqual(files, expected);
    // Every inlined package's licence travels with it: yaml (ISC) and undici (MIT) among them.
    const notices = await readFile(join(ROOT, 'dist/bundle/THIRD-PARTY-LICENSES.txt'), 'utf8');
    for (const name of [
      'yaml',
      'undici',
      'dns-packet',
      '@smithy/signature-v4',
      '@aws-sdk/credential-providers',
    ])
      assert.match(notices, new RegExp(`^${name}@\\d+\\.\\d+\\.\\d+ \\(`, 'm'), name);
    const manifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
    // The bundle inlines every dependency; an install runs nothing.
    assert.deepEqual(manifest.dependencies ?? {}, {});
    for (const script of ['preinstall', 'install', 'postinstall', 'prepare'])
      assert.equal(manifest.scripts?.[script], undefined, script);
  });

  it("npm install -g into Node's own prefix: eks-token runs with PATH holding only that bin directory", async () => {
    // Node's own prefix, as nvm, Homebrew and the official installers have it: node in PREFIX/bin.
    await mkdir(join(prefix(), 'bin'), { recursive: true });
    await symlink(process.execPath, join(prefix(), 'bin/node'));
    const installed = await run('npm', ['install', '-g', '--offline', '--prefix', prefix(), tarball], {
      cwd: dir,
      env: npmEnv(),
    });
    assert.match(installed.stdout, /added 1 package/);
    assert.equal(existsSync(join(prefix(), 'lib/node_modules/eks-token/node_modules')), false);
    const r = await run('eks-token', ['--version'], { env: { PATH: join(prefix(), 'bin') }, cwd: '/' });
    assert.match(r.stdout, /^\d+\.\d+\.\d+\n$/);
  });

  it('installed where no node is beside it or on PATH: one line, exit 127', async () => {
    const other = join(dir, 'other');
    await run('npm', ['install', '-g', '--offline', '--prefix', other, tarball], { cwd: dir, env: npmEnv() });
    const empty = join(dir, 'empty');
    await mkdir(empty);
    await assert.rejects(
      run(join(other, 'bin/eks-token'), ['--version'], { env: { PATH: empty } }),
      (e: { code: number; stderr: string }) =>
        e.code === 127 &&
        e.stderr ===
          `eks-token: cannot find node (looked in ${other}/bin/node and PATH=${empty}): ` +
            'reinstall eks-token with the Node you use, or put node on PATH\n',
    );
  });

  it('npx runs it from the tarball', async () => {
    const r = await run(
      'npm',
      ['exec', '--yes', '--offline', `--package=${tarball}`, '--', 'eks-token', '--version'],
      { cwd: dir, env: npmEnv() },
    );
    assert.match(r.stdout, /^\d+\.\d+\.\d+\n$/);
  });
});
