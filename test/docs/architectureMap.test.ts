import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const SOURCE_DIRS = ['src', 'plugin', 'daemon'];

/** Source folder ("src/dns/") -> the .ts file names its "### src/dns/" section of the map names. */
function mapSections(architecture: string): Map<string, Set<string>> {
  const sections = new Map<string, Set<string>>();
  for (const part of architecture.split(/^### /m).slice(1)) {
    const folder = /^((?:src(?:\/[\w-]+)?|plugin|daemon)\/)\s*$/m.exec(part.split('\n')[0] ?? '')?.[1];
    if (!folder) continue;
    sections.set(folder, new Set([...part.matchAll(/`([\w.-]+\.ts)`/g)].map((m) => m[1] ?? '')));
  }
  return sections;
}

test('ARCHITECTURE.md has a line for every source file in src/, plugin/ and daemon/, and none for a missing one', () => {
  const sections = mapSections(readFileSync(join(ROOT, 'ARCHITECTURE.md'), 'utf8'));
  assert.ok(sections.has('plugin/') && sections.has('daemon/'), [...sections.keys()].join(' '));
  const unmapped: string[] = [];
  for (const dir of SOURCE_DIRS) {
    for (const entry of readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
      const folder = `${relative(ROOT, entry.parentPath)}/`;
      if (!sections.get(folder)?.has(entry.name)) unmapped.push(`${folder}${entry.name}`);
    }
  }
  assert.deepEqual(unmapped, [], 'add a line for each under its folder\'s "### folder/" heading');
  const missing = [...sections].flatMap(([folder, names]) =>
    [...names].filter((name) => !existsSync(join(ROOT, folder, name))).map((name) => `${folder}${name}`),
  );
  assert.deepEqual(missing, [], 'the map names files that do not exist');
});
