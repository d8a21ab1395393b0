import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** The rows of every Markdown table in `text` (header and separator rows included), as trimmed cells. */
function tableRows(text: string): string[][] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
}

/** The one number `pattern` captures in `text`, as written there. */
function figure(text: string, pattern: RegExp, file: string): string {
  const found = pattern.exec(text)?.[1];
  assert.ok(found, `${file} says ${pattern}`);
  return found;
}

// bench/results/kubectl.md (`BENCH_ONLY=kubectl`): each row's paired ratio to its floor, as its
// "Targets" line words it; the floors themselves are 1.00.
const PAIRED: Record<string, RegExp | '1.00'> = {
  'Go peer (aws-iam-authenticator)': '1.00',
  'eks-token hit': /hit <= 0\.5x the Go peer: ([\d.]+)x paired/,
  'eks-token hit, Node client': /Node client's hit: ([\d.]+)x paired/,
  'kubectl + static token': '1.00',
  'kubectl + eks-token hit': /kubectl \+ hit <= 1\.15x kubectl \+ static token: ([\d.]+)x paired/,
  'kubectl + eks-token, no daemon': /kubectl \+ no daemon: ([\d.]+)x paired/,
  'kubectl + aws eks get-token': /kubectl \+ aws: ([\d.]+)x paired/,
};

test("README's Benchmark table is bench/results/kubectl.md: every row, its median and its paired ratio", () => {
  const results = read('bench/results/kubectl.md');
  const medians = new Map(tableRows(results).map(([name = '', ms = '']) => [name, ms]));
  const section = read('README.md')
    .split(/^## /m)
    .find((s) => s.startsWith('Benchmark'));
  assert.ok(section, 'README.md has a "## Benchmark" section');
  const rows = tableRows(section).slice(2);
  assert.deepEqual(
    rows.map(([name]) => name).sort(),
    [...medians.keys()].filter((name) => name in PAIRED).sort(),
    "the README's table has a row for each row of the results",
  );
  for (const [name = '', ms, ratio] of rows) {
    assert.equal(ms, medians.get(name), `${name}: median ms`);
    const paired = PAIRED[name];
    assert.ok(paired, `${name} is a row the benchmark writes`);
    assert.equal(ratio, paired === '1.00' ? paired : figure(results, paired, 'kubectl.md'), `${name}: ratio`);
  }
});

test("README's headline ratios are the last run's: start-up against aws, the hit against the Go peer", () => {
  const headline = read('README.md').split(/^## /m)[0] ?? '';
  const startup = tableRows(read('bench/results/results.md'));
  // The "x faster than aws eks get-token" column of the cold row (no daemon, no extra CA file).
  const cold = startup.find(([name]) => name === 'eks-token cold (no daemon)')?.[3];
  assert.ok(cold, 'bench/results/results.md has the cold row with its ratio to aws');
  assert.equal(figure(headline, /([\d.]+) times faster than `aws eks get-token`/, 'README.md'), cold);
  const hit = figure(read('bench/results/kubectl.md'), PAIRED['eks-token hit'] as RegExp, 'kubectl.md');
  assert.equal(figure(headline, /([\d.]+)x the time aws-iam-authenticator takes/, 'README.md'), hit);
});
