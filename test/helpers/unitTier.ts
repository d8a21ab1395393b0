import { posix } from 'node:path';
import { importsOf, readSources } from './importGraph.js';

/**
 * Built-ins that start processes, open sockets or sleep. A test file is in the unit tier unless it
 * reaches one of these through its own imports and the test/ modules it imports (helpers included).
 */
export const PROCESS_OR_SOCKET_MODULES: ReadonlySet<string> = new Set(
  [
    'child_process',
    'net',
    'dgram',
    'http',
    'https',
    'http2',
    'tls',
    'cluster',
    'worker_threads',
    'timers/promises',
  ].flatMap((name) => [name, `node:${name}`]),
);

/**
 * The test files (project paths, `test/**\/*.test.ts`) of the unit tier, and for each other test file
 * the chain of imports that takes it out. Type-only imports load nothing and do not count.
 */
export function unitTier(root: string): { unit: string[]; excluded: Map<string, string[]> } {
  const sources = readSources(root, ['test']);
  const known = new Set(sources.keys());
  const imports = new Map(
    [...sources].map(([path, text]) => [path, importsOf(path, text, known).filter((i) => i.kind !== 'type')]),
  );
  // The first chain from `path` to a forbidden built-in, through test/ modules only.
  const chains = new Map<string, string[] | null>();
  const chainFrom = (path: string): string[] | null => {
    if (chains.has(path)) return chains.get(path) ?? null;
    chains.set(path, null);
    let found: string[] | null = null;
    for (const i of imports.get(path) ?? []) {
      if (PROCESS_OR_SOCKET_MODULES.has(i.specifier)) found = [path, i.specifier];
      else if (i.target?.startsWith('test/')) {
        const rest = chainFrom(i.target);
        if (rest) found = [path, ...rest];
      }
      if (found) break;
    }
    chains.set(path, found);
    return found;
  };
  const unit: string[] = [];
  const excluded = new Map<string, string[]>();
  for (const path of [...sources.keys()].sort()) {
    if (!path.endsWith('.test.ts')) continue;
    const chain = chainFrom(path);
    if (chain) excluded.set(path, chain);
    else unit.push(path);
  }
  return { unit, excluded };
}

/** `test/src/x.test.ts` -> `dist/test/src/x.test.js`, the file node --test runs. */
export function builtTestFile(path: string): string {
  return posix.join('dist', path.replace(/\.ts$/, '.js'));
}

/** The arguments of the unit run's `node`: built test files under the guard (`unitGuard.ts`). */
export function unitRunArgs(builtFiles: string[]): string[] {
  const guard = new URL('./unitGuard.js', import.meta.url).href;
  return ['--test', '--test-concurrency=2', '--import', guard, ...builtFiles];
}
