import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

// The real bundler script, run on small source trees: it bundles whatever tree it is started in.
const BUNDLER = fileURLToPath(new URL('../../../scripts/bundle.mjs', import.meta.url));
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Runs the bundler on a tree whose plugin/cli.ts is `cli` (plus `files`); returns the run and the tree. */
function bundle(cli: string, files: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'eks-token-bundle-'));
  dirs.push(dir);
  const tree = { 'plugin/cli.ts': cli, 'daemon/runCredentialChild.ts': 'console.log("child");\n', ...files };
  for (const [path, text] of Object.entries(tree)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const run = spawnSync(process.execPath, [BUNDLER], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { dir, run };
}

test('each import() is its own bundle, named by source path: two same-named files stay two', () => {
  const { dir, run } = bundle(
    [
      'void Promise.all([import("./a/same.js"), import("./b/same.js")]).then(([a, b]) => {',
      '  console.log(a.which + " " + b.which);',
      '});',
    ].join('\n'),
    { 'plugin/a/same.ts': 'export const which = "a";\n', 'plugin/b/same.ts': 'export const which = "b";\n' },
  );
  assert.equal(run.status, 0, run.stderr);
  const out = join(dir, 'dist', 'bundle');
  assert.deepEqual(readdirSync(out).sort(), [
    'cli.cjs',
    'credentialChild.cjs',
    'plugin.a.same.cjs',
    'plugin.b.same.cjs',
  ]);
  const cli = spawnSync(process.execPath, [join(out, 'cli.cjs')], { encoding: 'utf8' });
  assert.equal(cli.stdout, 'a b\n', cli.stderr);
});

test('an import() the bundler cannot make a bundle of fails the build, and nothing is written', () => {
  const cases: Array<[string, RegExp]> = [
    // A package: it would be inlined or left to a node_modules that is not installed.
    ['void import("yaml");\n', /import\('yaml'\) is not a source module/],
    // A computed path: the bundler cannot see it at all.
    ['const name = "./x.js";\nvoid import(name);\n', /import|not a string literal/i],
    // A source file that does not exist.
    ['void import("./missing.js");\n', /missing/],
  ];
  for (const [cli, message] of cases) {
    const { dir, run } = bundle(cli);
    assert.notEqual(run.status, 0, `${cli}: the build passed`);
    assert.match(run.stderr, message, cli);
    assert.equal(existsSync(join(dir, 'dist', 'bundle', 'cli.cjs')), false, cli);
  }
});
