// Builds the native cache-hit client (native/eks-token-hit.c) into dist/native/eks-token-hit when a
// C compiler is there ($CC, else cc); without one, says so and leaves it out: the launcher then
// starts Node for every call, as it does anyway for everything but a daemon cache hit.
//   --sanitize   build it with AddressSanitizer and UndefinedBehaviorSanitizer instead (CI)
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { nativeCflags, SANITIZER_CFLAGS } from '../dist/plugin/checkNativeClient.js';

const SOURCE = 'native/eks-token-hit.c';
const OUT = 'dist/native/eks-token-hit';
const cc = process.env.CC || 'cc';
const sanitize = process.argv.includes('--sanitize');
const quiet = process.argv.includes('--quiet');

mkdirSync('dist/native', { recursive: true });
rmSync(OUT, { force: true });
const flags = sanitize ? SANITIZER_CFLAGS : nativeCflags();
const result = spawnSync(cc, [...flags, '-o', OUT, SOURCE], { stdio: ['ignore', 'inherit', 'inherit'] });
if (result.error) {
  if (!quiet)
    console.log(`native cache-hit client not built (no C compiler: ${cc}): eks-token works without it`);
} else if (result.status !== 0) {
  console.log(`native cache-hit client not built (${cc} failed, see above): eks-token works without it`);
} else if (!quiet) {
  console.log(`native cache-hit client built: ${OUT}${sanitize ? ' (sanitizers)' : ''}`);
}
