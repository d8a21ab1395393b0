import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const SOURCE_DIRS = ['src', 'plugin', 'daemon'];
const CODE = /\bE_[A-Z][A-Z0-9_]*\b/g;

/** Every error code written in the shipped sources (throws, the code union, wire answers, comments). */
function codesInSources(root: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const dir of SOURCE_DIRS) {
    for (const entry of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
      const path = join(entry.parentPath, entry.name);
      for (const [code] of readFileSync(path, 'utf8').matchAll(CODE))
        if (!found.has(code)) found.set(code, path.slice(root.length));
    }
  }
  return found;
}

/** The codes in the first column of the README's error code table, with their "what to do" cells. */
function codesInReadme(readme: string): Map<string, string> {
  const section = readme.split(/^## /m).find((s) => s.startsWith('Error codes'));
  assert.ok(section, 'README.md has an "## Error codes" section');
  const rows = new Map<string, string>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const code = /^`(E_[A-Z0-9_]+)`$/.exec(cells[1] ?? '')?.[1];
    if (code) rows.set(code, cells[3] ?? '');
  }
  return rows;
}

test('every error code in the sources is in the README table, and the table has no other', () => {
  const sources = codesInSources(ROOT);
  const readme = codesInReadme(readFileSync(join(ROOT, 'README.md'), 'utf8'));
  // The scan sees the codes at all: the union in EksTokenError.ts is the least it must find.
  assert.ok(sources.has('E_USAGE') && sources.has('E_DAEMON_START'), [...sources.keys()].join(' '));
  const undocumented = [...sources].filter(([code]) => !readme.has(code)).map(([c, f]) => `${c} (${f})`);
  assert.deepEqual(undocumented, [], 'codes used in the sources but missing from the README table');
  const stale = [...readme.keys()].filter((code) => !sources.has(code));
  assert.deepEqual(stale, [], 'codes in the README table that no source uses');
  for (const [code, todo] of readme) assert.ok(todo.length > 0, `${code} says what to do`);
});
