import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { unitRunArgs, unitTier } from '../helpers/unitTier.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'eks-token-unit-tier-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function writeTree(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

// One test file run exactly as `npm run test:unit` runs its files.
function runUnit(name: string, body: string): { status: number | null; output: string } {
  const file = join(scratch, `${name}.test.mjs`);
  writeFileSync(file, `import { test } from 'node:test';\n${body}\n`);
  // Without this test's own runner context, so the run is a runner of its own as in npm run test:unit.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const run = spawnSync(process.execPath, unitRunArgs([file]), { encoding: 'utf8', env, timeout: 60_000 });
  return { status: run.status, output: run.stdout + run.stderr };
}

describe('the unit tier guard', () => {
  const bad: Record<string, string> = {
    'starts a process': `import { spawnSync } from 'node:child_process';
      test('x', () => { spawnSync('true'); });`,
    'listens on a socket': `import net from 'node:net';
      test('x', () => { net.createServer().listen(0, '127.0.0.1'); });`,
    'connects a socket (http)': `import http from 'node:http';
      test('x', () => { http.get('http://127.0.0.1:9/').on('error', () => {}); });`,
    'sends a datagram': `import dgram from 'node:dgram';
      test('x', () => { dgram.createSocket('udp4').send('x', 9, '127.0.0.1'); });`,
    'sleeps with timers/promises': `import { setTimeout as sleep } from 'node:timers/promises';
      test('x', async () => { await sleep(50); });`,
    'arms a long global timer': `test('x', () => { clearTimeout(setTimeout(() => {}, 30_000)); });`,
    'starts a process and swallows the refusal': `import { execFile } from 'node:child_process';
      test('x', () => { try { execFile('true'); } catch {} });`,
  };
  for (const [what, body] of Object.entries(bad)) {
    it(`fails a test file that ${what}`, () => {
      const run = runUnit(what.replace(/\W+/g, '-'), body);
      assert.notEqual(run.status, 0, run.output);
      assert.match(run.output, /unit tier guard:/);
    });
  }

  it('passes a test file that computes, reads files and uses short timers and immediates', () => {
    const run = runUnit(
      'pure',
      `import { readFileSync } from 'node:fs';
      test('x', async () => {
        readFileSync(${JSON.stringify(fileURLToPath(import.meta.url))});
        await new Promise((r) => setTimeout(r, 1));
        await new Promise((r) => setImmediate(r));
      });`,
    );
    assert.equal(run.status, 0, run.output);
  });
});

describe('the unit tier rule', () => {
  it('takes out a test file that reaches a process or socket module through test/ imports, by its chain', () => {
    const root = join(scratch, 'tree');
    writeTree(root, {
      'test/helpers/spawner.ts': "import { spawn } from 'node:child_process';\nexport const s = spawn;\n",
      'test/helpers/middle.ts': "export { s } from './spawner.js';\n",
      'test/helpers/pure.ts': 'export const p = 1;\n',
      'test/a/viaHelper.test.ts': "import { s } from '../helpers/middle.js';\nvoid s;\n",
      'test/a/direct.test.ts': "import net from 'node:net';\nvoid net;\n",
      'test/a/sleeps.test.ts': "import { setTimeout } from 'node:timers/promises';\nvoid setTimeout;\n",
      'test/a/lazy.test.ts': "await import('../helpers/spawner.js');\n",
      'test/a/typeOnly.test.ts':
        "import type { s } from '../helpers/spawner.js';\nexport type S = typeof s;\n",
      'test/a/pure.test.ts':
        "import { p } from '../helpers/pure.js';\nimport { readFileSync } from 'node:fs';\nvoid p, readFileSync;\n",
    });
    const { unit, excluded } = unitTier(root);
    assert.deepEqual(unit, ['test/a/pure.test.ts', 'test/a/typeOnly.test.ts']);
    assert.deepEqual(Object.fromEntries(excluded), {
      'test/a/direct.test.ts': ['test/a/direct.test.ts', 'node:net'],
      'test/a/lazy.test.ts': ['test/a/lazy.test.ts', 'test/helpers/spawner.ts', 'node:child_process'],
      'test/a/sleeps.test.ts': ['test/a/sleeps.test.ts', 'node:timers/promises'],
      'test/a/viaHelper.test.ts': [
        'test/a/viaHelper.test.ts',
        'test/helpers/middle.ts',
        'test/helpers/spawner.ts',
        'node:child_process',
      ],
    });
  });

  it("puts none of this tree's test files that use the daemon, CLI or peer helpers in the unit tier", () => {
    const { unit, excluded } = unitTier(ROOT);
    assert.ok(unit.length > 0 && excluded.size > 0);
    for (const path of [
      'test/daemon/daemon.test.ts',
      'test/plugin/errors.test.ts',
      'test/plugin/kubectl.test.ts',
    ])
      assert.ok(excluded.has(path), path);
    assert.ok(unit.includes('test/src/token/parseTokenCommand.test.ts'));
  });
});
