import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sendControl } from '../../src/protocol/sendControl.js';
import { DaemonHarness, KEYS, tokenOf, waitFor } from '../helpers/daemonHarness.js';

const RECORDER = fileURLToPath(new URL('../helpers/moduleRecorder.js', import.meta.url));
const CJS_RECORDER = fileURLToPath(new URL('../helpers/cjsModuleRecorder.cjs', import.meta.url));
const OLD_NODE = fileURLToPath(new URL('../helpers/withoutGetBuiltinModule.cjs', import.meta.url));
const DIST = fileURLToPath(new URL('../..', import.meta.url));
const BUNDLE = fileURLToPath(new URL('../../bundle/cli.cjs', import.meta.url));
// The module-level check runs the unbundled build, where each source file is its own module.
const UNBUNDLED = fileURLToPath(new URL('../../plugin/cli.js', import.meta.url));
const ARGS = ['token', '-i', 'eks-a', '--region', 'eu-west-1', '--debug'];
// Without --debug: that flag takes the full CLI, which prints the daemon's details.
const HOT_ARGS = ARGS.filter((a) => a !== '--debug');

let h: DaemonHarness;
before(() => {
  h = new DaemonHarness();
});
after(async () => h.cleanup([KEYS.AWS_SECRET_ACCESS_KEY]));

/** The daemon's count of cache hits so far. */
async function daemonHits(): Promise<number> {
  const status = await sendControl(h.socket, 'status');
  assert.ok(status.ok);
  return (status.reply.status as { counters: { hits: number } }).counters.hits;
}

/** Runs the plugin with the module recorder; returns the run and the URLs of the modules it loaded. */
async function recorded(args: string[], env: Record<string, string | undefined>) {
  let urls = '';
  const r = await h.run(args, env, {
    nodeArgs: ['--import', RECORDER],
    fd3: (text) => (urls += text),
    script: UNBUNDLED,
  });
  assert.equal(r.code, 0, r.stderr);
  const loaded = urls.split('\n').filter((u) => u && !u.includes('/test/helpers/moduleRecorder'));
  return { r, loaded };
}

test('a cache hit through the daemon loads only Node built-ins and our own small modules', async (t) => {
  await h.startDaemon();
  const env = h.env({ ...KEYS, EKS_TOKEN_DAEMON: 'on' });
  await h.run(ARGS, env);
  const { r, loaded } = await recorded(ARGS, env);
  assert.match(r.stderr, /token from the daemon \(cached\)/);
  const ours = loaded.filter((u) => !u.startsWith('node:'));
  assert.deepEqual(
    loaded.filter((u) => u.includes('node_modules')),
    [],
  );
  for (const url of ours) assert.ok(url.startsWith(`file://${DIST}`), url);
  t.diagnostic(
    `hot path modules: ${[...new Set(ours.map((u) => u.slice(`file://${DIST}`.length)))].join(' ')}`,
  );
  t.diagnostic(`built-ins: ${loaded.filter((u) => u.startsWith('node:')).join(' ')}`);
  // The bundle is CommonJS: its parts load with require(), recorded by a -r preload at exit.
  if (existsSync(BUNDLE)) {
    const requiredBy = async (args: string[]) => {
      let files = '';
      const run = await h.run(args, env, {
        script: BUNDLE,
        nodeArgs: ['-r', CJS_RECORDER],
        fd3: (text) => (files += text),
      });
      assert.equal(run.code, 0, run.stderr);
      return { run, files: files.split('\n').filter(Boolean) };
    };
    const hitsBefore = await daemonHits();
    const hot = await requiredBy(HOT_ARGS);
    assert.equal(await daemonHits(), hitsBefore + 1, 'the daemon answered from its cache');
    assert.match(tokenOf(hot.run.stdout), /^k8s-aws-v1\./);
    // The full CLI (main.cjs) stays unloaded, and no process.stdout/stderr is built (costly on
    // kubectl's pipes): output goes by write(2).
    assert.deepEqual(hot.files, [BUNDLE]);
    const bytes = statSync(BUNDLE).size;
    assert.ok(bytes < 64 * 1024, `the bundled hot path loads ${bytes} bytes`);
    t.diagnostic(`bundled hot path: ${hot.files.length} file, ${bytes} bytes`);
    // The same recorder sees the lazily required parts when the token is made in-process.
    const cold = await requiredBy([...ARGS, '--daemon', 'off']);
    assert.ok(
      cold.files.some((f) => f.endsWith('/src.token.mintToken.cjs')),
      cold.files.join(' '),
    );
    // The recorder does report a stream when one is built.
    const control = spawnSync(process.execPath, ['-r', CJS_RECORDER, '-e', 'process.stderr'], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    assert.match(String(control.output[3]), /^stream:stderr$/m);
  }
  // The recorder does see packages when they load: the in-process path pulls in the AWS SDK.
  const cold = await recorded([...ARGS, '--daemon', 'off'], env);
  assert.ok(cold.loaded.some((u) => u.includes('/node_modules/@smithy/')));
  if (existsSync(BUNDLE)) {
    // kubectl gone before the answer is printed: its end of stdout is closed, so writing fails with
    // EPIPE inside the socket callback. One line on stderr and exit code 1, as the full CLI would.
    const child = spawn(process.execPath, [BUNDLE, ...HOT_ARGS], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Closed at once; the child needs tens of milliseconds to start before it writes anything.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
    });
    const code = await new Promise((resolve) => child.on('close', resolve));
    assert.equal(code, 1, stderr);
    assert.match(stderr, /^eks-token: .*EPIPE.*\n$/);
  }
  // A Node without process.getBuiltinModule (before 20.16) skips the daemon and mints in-process.
  for (const script of existsSync(BUNDLE) ? [undefined, BUNDLE] : [undefined]) {
    const options = { nodeArgs: ['-r', OLD_NODE], ...(script ? { script } : {}) };
    const hitsBefore = await daemonHits();
    const old = await h.run(HOT_ARGS, env, options);
    assert.equal(old.code, 0, old.stderr);
    assert.match(tokenOf(old.stdout), /^k8s-aws-v1\./);
    assert.equal(await daemonHits(), hitsBefore, 'the daemon was not asked');
    const debug = await h.run(ARGS, env, options);
    assert.match(debug.stderr, /daemon not used \(error: Node\.js v[\d.]+ cannot load the daemon client/);
  }
  await h.run(['daemon', 'stop'], h.env());
});

test('--daemon on without a daemon mints in-process and starts nothing', async () => {
  await waitFor(async () => !(await sendControl(h.socket, 'ping', 300)).ok, 5000);
  const r = await h.run([...ARGS, '--daemon', 'on'], h.env(KEYS));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /daemon not used \((absent|refused)/);
  assert.match(tokenOf(r.stdout), /^k8s-aws-v1\./);
  assert.equal((await sendControl(h.socket, 'ping', 300)).ok, false);
});

test('--daemon auto answers in-process first, then the daemon it started in the background', async () => {
  const env = h.env({ ...KEYS, EKS_TOKEN_DAEMON: 'auto' });
  const first = await h.run(ARGS, env);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /daemon not used \((absent|refused)/);
  assert.match(first.stderr, /started a daemon in the background/);
  // run() resolved on 'close' of the plugin's pipes: the daemon holds none of them (kubectl would wait).
  await waitFor(async () => (await sendControl(h.socket, 'ping', 300)).ok, 10_000);
  const second = await h.run(ARGS, env);
  assert.match(second.stderr, /token from the daemon \(minted\)/);
  const third = await h.run(ARGS, env);
  assert.match(third.stderr, /token from the daemon \(cached\)/);
  assert.equal(tokenOf(third.stdout), tokenOf(second.stdout));
  assert.doesNotMatch(third.stderr, /started a daemon/);
});
