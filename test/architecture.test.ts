import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  architectureViolations,
  namingViolations,
  protocolSideViolations,
  readSources,
} from './helpers/importGraph.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const sources = readSources(ROOT, ['src', 'plugin', 'daemon']);

test('dependencies point down: no daemon/ -> plugin/, no src/ -> either, no cycles of files or src/ folders, import() of sources', () => {
  assert.ok(sources.has('plugin/cli.ts') && sources.has('daemon/TokenDaemon.ts') && sources.size > 40);
  assert.deepEqual(architectureViolations(sources), []);
});

/** The tree with one line added at the top of `path`. */
function withLine(path: string, line: string): Map<string, string> {
  const text = sources.get(path);
  assert.ok(text !== undefined, path);
  return new Map(sources).set(path, `${line}\n${text}`);
}

test('each rule catches a bad import added to the real tree', () => {
  const cases: Array<[string, string, RegExp]> = [
    [
      'daemon/TokenDaemon.ts',
      "import type { PluginDeps } from '../plugin/PluginDeps.js';",
      /daemon\/ uses plugin\//,
    ],
    [
      'src/token/mintToken.ts',
      "import { LineServer } from '../../daemon/LineServer.js';",
      /src\/ uses daemon\//,
    ],
    [
      'src/shared/quoteValue.ts',
      "export type { TextSink } from '../../plugin/PluginDeps.js';",
      /src\/ uses plugin\//,
    ],
    // A type-only cycle: parseAnswerLine.ts is imported (type only) by DaemonExchange.ts.
    [
      'src/protocol/parseAnswerLine.ts',
      "import type { DaemonMiss } from './DaemonExchange.js';",
      /import cycle: .*parseAnswerLine\.ts -> .*DaemonExchange\.ts -> .*parseAnswerLine\.ts/,
    ],
    [
      'src/dns/extractTxtAnswer.ts',
      "type R = import('./resolveClusterName.js').ResolvedClusterName;",
      /import cycle: .*extractTxtAnswer\.ts/,
    ],
    // A folder-level cycle: src/token uses src/aws, so src/aws may not use src/token.
    [
      'src/aws/knownRegions.ts',
      "import type { TokenRequest } from '../token/TokenRequest.js';",
      /folder cycle: src\/aws -> src\/token -> src\/aws/,
    ],
    ['plugin/main.ts', "const m = 'yaml'; void import(m);", /import\(\) of something not a source file/],
    ['plugin/main.ts', "void import('yaml');", /import\(\) of something not a source file/],
    ['plugin/main.ts', "void import('./noSuchFile.js');", /noSuchFile\.js: import\(\) of something not/],
    ['plugin/main.ts', "import './noSuchFile.js';", /noSuchFile\.js: not a source file/],
  ];
  for (const [path, line, expected] of cases) {
    const problems = architectureViolations(withLine(path, line));
    assert.equal(problems.length, 1, `${line}\n${problems.join('\n')}`);
    assert.match(problems[0] ?? '', expected, line);
  }
});

test('a file is named after one of its exports, so a reader finds an export by its file name', () => {
  assert.deepEqual(namingViolations(sources), []);
  // A renamed export, a second export only, and a file without exports each break the rule.
  const renamed = new Map(sources).set(
    'daemon/SharedAbort.ts',
    (sources.get('daemon/SharedAbort.ts') ?? '').replace(/\bSharedAbort\b/g, 'AbortShare'),
  );
  assert.match(
    namingViolations(renamed).join('\n'),
    /daemon\/SharedAbort\.ts is named after none of its exports \(AbortShare\)/,
  );
  const helpers = new Map(sources).set(
    'src/shared/helpers.ts',
    'export const VERSION = 1;\nexport function x() {}',
  );
  assert.match(
    namingViolations(helpers).join('\n'),
    /helpers\.ts is named after none of its exports \(VERSION, x\)/,
  );
  const empty = new Map(sources).set('plugin/notes.ts', '// nothing\n');
  assert.match(
    namingViolations(empty).join('\n'),
    /plugin\/notes\.ts is named after none of its exports \(none\)/,
  );
  const constant = new Map(sources).set('src/shared/maxLines.ts', 'export const MAX_LINES = 1;');
  assert.deepEqual(namingViolations(constant), []);
});

test('src/protocol/ holds what both sides use: plugin/ and daemon/ each reach every file in it', () => {
  assert.deepEqual(protocolSideViolations(sources), []);
  const daemonOnly = new Map(sources).set('src/protocol/childLine.ts', 'export const childLine = 1;');
  daemonOnly.set(
    'daemon/useChildLine.ts',
    "import { childLine } from '../src/protocol/childLine.js';\nexport const useChildLine = childLine;",
  );
  assert.deepEqual(protocolSideViolations(daemonOnly), [
    'src/protocol/childLine.ts: only daemon/ uses it; move it to daemon/',
  ]);
});
