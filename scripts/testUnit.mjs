// `npm run test:unit`: the test files that reach no process, socket or sleep through their imports
// (test/helpers/unitTier.ts), run under test/helpers/unitGuard.ts, which fails any that still does.
// Needs a build of the tests (the script runs tsc first); `--list` prints the tier and exits.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { unitTier, builtTestFile, unitRunArgs } = await import(
  new URL('../dist/test/helpers/unitTier.js', import.meta.url)
);
const { unit, excluded } = unitTier(root);
if (process.argv.includes('--list')) {
  for (const path of unit) console.log(`unit  ${path}`);
  for (const [path, chain] of excluded) console.log(`full  ${path}  (${chain.slice(1).join(' -> ')})`);
  process.exit(0);
}
const run = spawnSync(process.execPath, [...unitRunArgs(unit.map(builtTestFile)), ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
