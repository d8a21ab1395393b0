import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

// The real script `npm run demo` starts with, run on small trees whose files get set times (no clock).
const SCRIPT = fileURLToPath(new URL('../../../scripts/buildIfStale.mjs', import.meta.url));
const BUILT_AT = new Date('2026-01-02T00:00:00Z');
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A tree with sources and a build; each file's time is BUILT_AT plus its offset in seconds. */
function tree(files: Record<string, number>): string {
  const dir = mkdtempSync(join(tmpdir(), 'eks-token-stale-'));
  dirs.push(dir);
  // A build script that only leaves a mark, so that running it is seen.
  const all = { 'package.json': -60, 'tsconfig.json': -60, ...files };
  for (const [path, offset] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(
      join(dir, path),
      path === 'package.json'
        ? '{"scripts":{"build":"node -e \\"require(\'fs\').writeFileSync(\'built\',\'\')\\""}}'
        : '',
    );
    const time = new Date(BUILT_AT.getTime() + offset * 1000);
    utimesSync(join(dir, path), time, time);
  }
  return dir;
}

const run = (dir: string, args: string[] = []) =>
  spawnSync(process.execPath, [SCRIPT, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });

const BUILD = { 'dist/bundle/cli.cjs': 0, 'dist/demo/demo.js': 0 };

test('a build newer than every source: no build', () => {
  const dir = tree({ 'src/a.ts': -10, 'plugin/b.ts': -5, 'test/helpers/c.ts': -1, ...BUILD });
  const check = run(dir, ['--check']);
  assert.equal(check.status, 0);
  assert.equal(check.stdout, 'dist/ is up to date with the sources\n');
  const r = run(dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /not building/);
  assert.equal(existsSync(join(dir, 'built')), false);
});

test('a source newer than the build, or an output missing: a build, naming why', () => {
  for (const [files, why] of [
    [{ 'src/a.ts': -10, 'daemon/d.ts': 5, ...BUILD }, 'daemon/d.ts changed after the last build'],
    [{ 'src/a.ts': -10, 'tsconfig.json': 1, ...BUILD }, 'tsconfig.json changed after the last build'],
    [{ 'src/a.ts': -10, 'dist/bundle/cli.cjs': 0 }, 'dist/demo/demo.js is missing'],
    [{ 'src/a.ts': -10 }, 'dist/bundle/cli.cjs is missing'],
  ] as const) {
    const dir = tree(files);
    const check = run(dir, ['--check']);
    assert.equal(check.status, 1);
    assert.equal(check.stdout, `build due: ${why}\n`);
    assert.equal(existsSync(join(dir, 'built')), false, '--check never builds');
    const r = run(dir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`^building: ${why}`));
    assert.equal(existsSync(join(dir, 'built')), true, why);
  }
});

test('npm run demo goes through it, so a second run does not build again', () => {
  const pkg = JSON.parse(
    readFileSync(fileURLToPath(new URL('../../../package.json', import.meta.url)), 'utf8'),
  ) as {
    scripts: Record<string, string>;
  };
  assert.equal(pkg.scripts.demo, 'node scripts/buildIfStale.mjs && node dist/demo/demo.js');
});
