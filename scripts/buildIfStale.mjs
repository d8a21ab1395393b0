// `npm run demo` runs dist/ as it is: this builds first only when dist/ is missing or older than a
// source, so a second run starts at once. `--check` only says which (exit 1 when a build is due).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

// What the build reads, and what it writes last; the demo runs the bundle and its own compiled file.
const SOURCES = ['src', 'plugin', 'daemon', 'demo', 'test/helpers', 'scripts', 'bin'];
const CONFIG = ['package.json', 'package-lock.json', 'tsconfig.json'];
const OUTPUTS = ['dist/bundle/cli.cjs', 'dist/demo/demo.js'];

const mtime = (path) => statSync(path, { throwIfNoEntry: false })?.mtimeMs;

function* filesUnder(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else yield path;
  }
}

/** Why `root` needs a build (a missing output, or the first source newer than the build), or undefined. */
export function staleReason(root) {
  let built = Number.POSITIVE_INFINITY;
  for (const output of OUTPUTS) {
    const time = mtime(join(root, output));
    if (time === undefined) return `${output} is missing`;
    built = Math.min(built, time);
  }
  const candidates = [
    ...SOURCES.filter((d) => mtime(join(root, d)) !== undefined).flatMap((d) => [
      ...filesUnder(join(root, d)),
    ]),
    ...CONFIG.map((f) => join(root, f)),
  ];
  for (const file of candidates) {
    const time = mtime(file);
    if (time !== undefined && time > built) return `${relative(root, file)} changed after the last build`;
  }
  return undefined;
}

const root = process.cwd();
const reason = staleReason(root);
if (process.argv.includes('--check')) {
  console.log(reason ? `build due: ${reason}` : 'dist/ is up to date with the sources');
  process.exit(reason ? 1 : 0);
}
if (!reason) {
  console.error('dist/ is up to date with the sources: not building (npm run build forces one)');
  process.exit(0);
}
console.error(`building: ${reason}`);
const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
process.exit(build.status ?? 1);
