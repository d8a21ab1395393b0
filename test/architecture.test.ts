import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { architectureViolations, readSources } from './helpers/importGraph.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const sources = readSources(ROOT, ['src', 'plugin', 'daemon']);

test('dependencies point down: no daemon/ -> plugin/, no src/ -> either, no cycles of files or src/ folders, import() of sources', () => {
  assert.ok(sources.has('plugin/cli.ts') && sources.has('daemon/tokenDaemon.ts') && sources.size > 40);
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
      'daemon/tokenDaemon.ts',
      "import type { PluginDeps } from '../plugin/deps.js';",
      /daemon\/ uses plugin\//,
    ],
    [
      'src/token/mintToken.ts',
      "import { LineServer } from '../../daemon/lineServer.js';",
      /src\/ uses daemon\//,
    ],
    [
      'src/shared/quoteValue.ts',
      "export type { TextSink } from '../../plugin/deps.js';",
      /src\/ uses plugin\//,
    ],
    // A type-only cycle: answers.ts is imported (type only) by daemonExchange.ts.
    [
      'src/protocol/answers.ts',
      "import type { DaemonMiss } from './daemonExchange.js';",
      /import cycle: .*answers\.ts -> .*daemonExchange\.ts -> .*answers\.ts/,
    ],
    [
      'src/dns/dnsTxtAnswer.ts',
      "type R = import('./resolveClusterName.js').ResolvedClusterName;",
      /import cycle: .*dnsTxtAnswer\.ts/,
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
