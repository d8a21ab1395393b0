import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { importsOf, readSources } from '../helpers/importGraph.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const ENTRY = 'plugin/cli.ts';

/** The source files and built-ins `entry` loads through static imports (type-only ones load nothing). */
function staticClosure(entry: string): { files: string[]; builtins: string[] } {
  const sources = readSources(ROOT, ['src', 'plugin', 'daemon']);
  const known = new Set(sources.keys());
  const files = new Set<string>();
  const builtins = new Set<string>();
  const pending = [entry];
  for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
    if (files.has(path)) continue;
    files.add(path);
    for (const i of importsOf(path, sources.get(path) ?? '', known)) {
      if (i.kind !== 'static') continue;
      if (i.target) pending.push(i.target);
      else builtins.add(i.specifier.replace(/^node:/, ''));
    }
  }
  return { files: [...files].sort(), builtins: [...builtins].sort() };
}

/**
 * The hot path's module set as ARCHITECTURE.md lists it: in the sentence "Its module set is the
 * entry's static imports: ...", groups split by `;`, each a `folder/` then its file names without
 * `.ts`, and a group "the built-ins" naming Node modules.
 */
function documentedClosure(architecture: string): { files: string[]; builtins: string[] } {
  const sentence = /Its module set is the entry's static imports:([\s\S]*?)\(`net`/.exec(architecture)?.[1];
  assert.ok(
    sentence,
    'ARCHITECTURE.md has the sentence "Its module set is the entry\'s static imports: ..."',
  );
  const files: string[] = [];
  const builtins: string[] = [];
  for (const group of sentence.split(';')) {
    const names = [...group.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '');
    if (/the built-ins/.test(group)) builtins.push(...names);
    else {
      const [folder, ...rest] = names;
      assert.ok(
        folder?.endsWith('/'),
        `a group of the hot-path list starts with its folder: ${group.trim()}`,
      );
      files.push(...rest.map((name) => `${folder}${name}.ts`));
    }
  }
  return { files: files.sort(), builtins: builtins.sort() };
}

test("ARCHITECTURE.md's hot-path module list is the static import closure of plugin/cli.ts", () => {
  const actual = staticClosure(ENTRY);
  // The walk sees the graph at all: the entry and the socket client are the least it must find.
  assert.ok(actual.files.includes('src/protocol/requestFromDaemon.ts'), actual.files.join(' '));
  const documented = documentedClosure(readFileSync(join(ROOT, 'ARCHITECTURE.md'), 'utf8'));
  assert.deepEqual(documented.files, actual.files, 'the hot path loads these source files');
  assert.deepEqual(documented.builtins, actual.builtins, 'the hot path loads these built-ins');
});
