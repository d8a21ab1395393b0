import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { sendControl } from '../../src/protocol/sendControl.js';
import {
  CLI_JS,
  DaemonHarness,
  daemonPids,
  isAlive,
  KEYS,
  tokenOf,
  waitFor,
} from '../helpers/daemonHarness.js';
import { hasCommand } from '../helpers/hasCommand.js';

let h: DaemonHarness;
beforeEach(() => {
  h = new DaemonHarness();
});
afterEach(async () => {
  await h.cleanup([KEYS.AWS_SECRET_ACCESS_KEY]);
});

async function ping(): Promise<number | undefined> {
  const outcome = await sendControl(h.socket, 'ping', 1000);
  return outcome.ok ? Number(outcome.reply.pid) : undefined;
}

test('two starts at once give one daemon; both exit 0', async () => {
  const [a, b] = await Promise.all([
    h.run(['daemon', 'start'], h.env()),
    h.run(['daemon', 'start'], h.env()),
  ]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  const pid = await ping();
  assert.ok(pid);
  const pids = [a, b].map((r) => Number(/pid (\d+)/.exec(r.stdout)?.[1]));
  assert.deepEqual(pids, [pid, pid], `${a.stdout}${b.stdout}`);
  assert.match(`${a.stdout}${b.stdout}`, /daemon started on .* \(pid \d+\)/);
  await waitFor(
    () => daemonPids(h.socket).length === 1,
    5000,
    () => String(daemonPids(h.socket)),
  );
  const again = await h.run(['daemon', 'start'], h.env());
  assert.equal(again.code, 0);
  assert.match(again.stdout, new RegExp(`already running .*pid ${pid}`));
  assert.equal(lstatSync(h.socket).mode & 0o777, 0o600);
  assert.equal(lstatSync(dirname(h.socket)).mode & 0o777, 0o700);
});

// A process that listened on the path and died without removing it leaves a socket nobody accepts on.
async function listenAndDie(socket: string): Promise<void> {
  mkdirSync(dirname(socket), { recursive: true, mode: 0o700 });
  const holder = spawn(process.execPath, [
    '-e',
    `require('net').createServer().listen(${JSON.stringify(socket)}, () => console.log('up'))`,
  ]);
  await new Promise((resolve) => holder.stdout.once('data', resolve));
  holder.kill('SIGKILL');
  await new Promise((resolve) => holder.once('exit', resolve));
  assert.ok(lstatSync(socket).isSocket());
}

test('a stale socket is replaced', async () => {
  await listenAndDie(h.socket);
  assert.equal(await ping(), undefined);
  const start = await h.run(['daemon', 'start'], h.env());
  assert.equal(start.code, 0, start.stderr);
  assert.match(start.stdout, /daemon started/);
  assert.ok(await ping());
  const r = await h.run(
    ['token', '-i', 'eks-a', '--region', 'eu-west-1', '--daemon', 'on', '--debug'],
    h.env(KEYS),
  );
  assert.match(r.stderr, /token from the daemon/);
  assert.match(tokenOf(r.stdout), /^k8s-aws-v1\./);
});

test('stop removes the socket; status and stop without a daemon say so', async () => {
  await h.run(['daemon', 'start'], h.env());
  const pid = await ping();
  assert.ok(pid);
  const stop = await h.run(['daemon', 'stop'], h.env());
  assert.equal(stop.code, 0, stop.stderr);
  assert.match(stop.stdout, new RegExp(`stopped the daemon \\(pid ${pid}\\)`));
  assert.equal(isAlive(pid), false, 'stop returns once the daemon has exited');
  assert.equal(existsSync(h.socket), false);
  assert.equal(existsSync(dirname(h.socket)), false, 'the emptied socket directory is removed');
  const status = await h.run(['daemon', 'status'], h.env());
  assert.equal(status.code, 1);
  assert.match(status.stderr, /^eks-token: no daemon is running on .*: start one: eks-token daemon start\n$/);
  const again = await h.run(['daemon', 'stop'], h.env());
  assert.equal(again.code, 0);
  assert.match(again.stdout, /no daemon is running/);
  // A socket left by a daemon that died: stop removes it and the directory; other files stay.
  for (const other of [false, true]) {
    await listenAndDie(h.socket);
    if (other) writeFileSync(join(dirname(h.socket), 'keep'), '');
    const stale = await h.run(['daemon', 'stop'], h.env());
    assert.equal(stale.code, 0, stale.stderr);
    assert.equal(existsSync(h.socket), false);
    assert.equal(existsSync(dirname(h.socket)), other);
  }
});

test('SIGTERM, SIGINT and the idle timeout end `daemon run` cleanly', async () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const daemon = await h.startDaemon();
    const exit = new Promise<number | null>((resolve) => daemon.child.once('exit', (code) => resolve(code)));
    daemon.child.kill(signal);
    assert.equal(await exit, 0);
    assert.match(daemon.output(), new RegExp(`daemon stopped: received ${signal}`));
    assert.equal(existsSync(h.socket), false);
  }
  const idle = await h.startDaemon(['--idle-timeout', '1s']);
  // A real process's own timer: the exit and its reason are asserted, not how long it took.
  const code = await new Promise<number | null>((resolve) => idle.child.once('exit', (c) => resolve(c)));
  assert.equal(code, 0);
  assert.match(idle.output(), /daemon stopped: idle for 1 s/);
  assert.equal(existsSync(h.socket), false);
});

test('a file that is not a socket is never replaced', async () => {
  mkdirSync(dirname(h.socket), { recursive: true, mode: 0o700 });
  writeFileSync(h.socket, 'precious');
  const r = await h.run(['daemon', 'run'], h.env());
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^eks-token: .*daemon\.sock exists and is not a socket: remove it/);
  assert.equal(lstatSync(h.socket).isFile(), true);
});

test('bad flags are usage errors', async () => {
  const r = await h.run(['daemon', 'run', '--idle-timeout', 'soon'], h.env());
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^eks-token: --idle-timeout soon is not a duration/);
  const u = await h.run(['daemon', 'frobnicate'], h.env());
  assert.match(u.stderr, /unknown daemon command "frobnicate"/);
  const help = await h.run(['daemon', '--help'], h.env());
  assert.match(help.stdout, /run\|start\|stop\|restart\|status\|flush/);
  assert.match(help.stdout, /^ {2}restart stop the running daemon, if any, then start one/m);
  const restart = await h.run(['daemon', 'restart', '--max-entries', 'many'], h.env());
  assert.equal(restart.code, 1);
  assert.match(restart.stderr, /^eks-token: many is not a count/);
});

test('restart: stops the running daemon, waits for it to exit, starts a new one; with none running, starts one', async () => {
  const first = await h.run(['daemon', 'restart'], h.env());
  assert.equal(first.code, 0, first.stderr);
  assert.match(
    first.stdout,
    /^eks-token: no daemon is running on .*\neks-token: daemon started on .* \(pid \d+\)\n$/,
  );
  const old = await ping();
  assert.ok(old);
  const r = await h.run(['daemon', 'restart', '--idle-timeout', '5m'], h.env());
  assert.equal(r.code, 0, r.stderr);
  assert.equal(isAlive(old), false, 'restart returns only once the old daemon is gone');
  const now = await ping();
  assert.ok(now && now !== old);
  assert.equal(
    r.stdout,
    `eks-token: stopped the daemon (pid ${old})\neks-token: daemon started on ${h.socket} (pid ${now})\n`,
  );
});

test('flush counts in words: 1 cached token, 0 cached tokens', async () => {
  await h.run(['daemon', 'start'], h.env());
  const minted = await h.run(
    ['token', '-i', 'eks-a', '--region', 'eu-west-1', '--daemon', 'on'],
    h.env(KEYS),
  );
  assert.equal(minted.code, 0, minted.stderr);
  assert.equal((await h.run(['daemon', 'flush'], h.env())).stdout, 'eks-token: flushed 1 cached token\n');
  assert.equal((await h.run(['daemon', 'flush'], h.env())).stdout, 'eks-token: flushed 0 cached tokens\n');
});

test('a listening socket inherited from systemd (LISTEN_FDS=1) is used and left in place', async (t) => {
  if (!hasCommand('python3')) return t.skip('python3 is needed to hand over a listening socket');
  mkdirSync(dirname(h.socket), { recursive: true, mode: 0o700 });
  // Plays systemd: binds and listens, puts the socket on fd 3, sets LISTEN_* for its own pid, execs the daemon.
  const script = `
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(64)
if s.fileno() != 3: os.dup2(s.fileno(), 3)
os.set_inheritable(3, True)
os.environ['LISTEN_FDS'] = '1'; os.environ['LISTEN_PID'] = str(os.getpid())
os.execv(sys.argv[2], [sys.argv[2], sys.argv[3], 'daemon', 'run'])
`;
  const child = spawn('python3', ['-c', script, h.socket, process.execPath, CLI_JS], {
    env: { PATH: process.env.PATH, ...h.env() },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  await waitFor(
    async () => (await ping()) !== undefined,
    10_000,
    () => stderr,
  );
  const r = await h.run(
    ['token', '-i', 'eks-a', '--region', 'eu-west-1', '--daemon', 'on', '--debug'],
    h.env(KEYS),
  );
  assert.match(r.stderr, /token from the daemon/);
  const exit = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  assert.equal(await exit, 0);
  assert.ok(lstatSync(h.socket).isSocket(), 'the socket belongs to systemd');
  assert.match(stderr, /daemon stopped: received SIGTERM/);
});
