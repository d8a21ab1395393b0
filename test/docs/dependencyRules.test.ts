import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
// Static, type-only and dynamic imports of our own modules alike.
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

/** Source file (relative to the root) -> the source files it imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const dir of ['src', 'plugin', 'daemon']) {
    for (const entry of readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
      const file = relative(ROOT, join(entry.parentPath, entry.name));
      const text = readFileSync(join(ROOT, file), 'utf8');
      const targets = [...text.matchAll(IMPORT)].map((m) =>
        normalize(join(dirname(file), (m[1] ?? '').replace(/\.js$/, '.ts'))),
      );
      graph.set(file, targets);
    }
  }
  return graph;
}

/** Every import cycle, each as the path that closes it. */
function cycles(graph: Map<string, string[]>): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const found: string[] = [];
  const visit = (file: string, path: string[]) => {
    state.set(file, 'open');
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') found.push([...path.slice(path.indexOf(next)), next].join(' -> '));
      else if (!state.has(next)) visit(next, [...path, next]);
    }
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file, [file]);
  return found;
}

test('dependencies point down: plugin/ and daemon/ use src/, daemon/ never imports plugin/, src/ imports neither', () => {
  const graph = importGraph();
  assert.ok((graph.get('plugin/main.ts') ?? []).includes('src/token/mintToken.ts'), 'the scan sees imports');
  const upward = [...graph].flatMap(([file, targets]) =>
    targets
      .filter((target) => {
        const from = file.split('/')[0];
        const to = target.split('/')[0];
        return (from === 'daemon' && to === 'plugin') || (from === 'src' && to !== 'src');
      })
      .map((target) => `${file} -> ${target}`),
  );
  assert.deepEqual(upward, []);
});

test('no import cycles, type-only imports included', () => {
  const graph = importGraph();
  assert.deepEqual(cycles(graph), []);
  // The search does find one when there is one.
  const looped = new Map(graph).set('src/shared/version.ts', ['plugin/main.ts']);
  assert.ok(cycles(looped).length > 0);
});
