// Each plugin call asks the daemon once: the full CLI takes the entry's miss (or, with --debug, asks
// itself with the same `exec` request) and never asks a second time in another form.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { DaemonStatus } from '../../src/protocol/controlReplyParser.js';
import { MAX_AWS_FILE_BYTES } from '../../src/shared/readRegularFile.js';
import { DaemonHarness, KEYS } from '../helpers/daemonHarness.js';

let h: DaemonHarness;
before(async () => {
  h = new DaemonHarness();
  // Over the cap: the daemon leaves such a call to the plugin (E_NOT_FOR_DAEMON, counted as aws-file).
  h.writeHome('big-config', `[default]\nregion = eu-west-1\n#${'x'.repeat(MAX_AWS_FILE_BYTES)}\n`);
  await h.startDaemon();
});
after(async () => h.cleanup([KEYS.AWS_SECRET_ACCESS_KEY]));

const ARGV = ['token', '-i', 'eks-a', '--region', 'eu-west-1', '--daemon', 'on'];

/** The daemon's own account of the requests it saw: lookups and calls left to the plugin. */
async function asked(): Promise<{ lookups: number; unserved: Record<string, number> }> {
  const r = await h.run(['daemon', 'status', '--json'], h.env());
  assert.equal(r.code, 0, r.stderr);
  const status = JSON.parse(r.stdout) as DaemonStatus & { counters: { hits: number; misses: number } };
  return { lookups: status.counters.hits + status.counters.misses, unserved: status.unserved ?? {} };
}

test('a call the daemon leaves to the plugin is asked once and counted once, with --debug or without', async () => {
  const env = h.env({ AWS_PROFILE: 'p', AWS_CONFIG_FILE: join(h.home, 'big-config') });
  for (const debug of [[], ['--debug']]) {
    const before = await asked();
    const r = await h.run([...ARGV, ...debug], env, { timeoutMs: 20_000 });
    // The plugin then reports the file itself, as without a daemon.
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /larger than/);
    const after = await asked();
    assert.deepEqual(after.unserved, {
      ...before.unserved,
      'aws-file': (before.unserved['aws-file'] ?? 0) + 1,
    });
    assert.equal(after.lookups, before.lookups, debug.join(' '));
  }
});

test('--debug is answered from the one exec request: the same output and notes, its lines from the answer', async () => {
  // No region anywhere: the token comes with a note on stderr, which every form prints alike.
  const env = h.env({ ...KEYS, AWS_REGION: undefined });
  const argv = ['token', '-i', 'eks-a', '--daemon', 'on'];
  const plain = await h.run(argv, env);
  assert.equal(plain.code, 0, plain.stderr);
  assert.match(plain.stderr, /^eks-token: note: no region set/);
  const inProcess = await h.run([...argv.slice(0, -2), '--daemon', 'off'], env);
  assert.equal(inProcess.stderr, plain.stderr);
  const before = await asked();
  const debug = await h.run([...argv, '--debug'], env);
  assert.equal(debug.code, 0, debug.stderr);
  assert.equal(debug.stdout, plain.stdout, 'the cached token, printed as without --debug');
  assert.match(
    debug.stderr,
    /^eks-token: debug: token from the daemon \(cached\) for cluster eks-a expires \S+Z$/m,
  );
  const notes = debug.stderr.split('\n').filter((l) => l && !l.startsWith('eks-token: debug: '));
  assert.deepEqual(notes, plain.stderr.split('\n').filter(Boolean));
  const after = await asked();
  assert.deepEqual([after.lookups, after.unserved], [before.lookups + 1, before.unserved]);
});
