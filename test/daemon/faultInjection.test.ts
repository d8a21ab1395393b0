import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { STAMP_REUSE_MS } from '../../daemon/PreparedLines.js';
import { sendControl } from '../../src/protocol/sendControl.js';
import { CLI_JS, DaemonHarness, type DaemonProcess, KEYS, waitFor } from '../helpers/daemonHarness.js';
import { groupMembers, hangingHelper, killGroup } from '../helpers/processGroups.js';
import { testUser } from '../helpers/testUsers.js';

let h: DaemonHarness;
let daemon: DaemonProcess;
const pgids: number[] = [];

before(async () => {
  h = new DaemonHarness();
  h.writeHome('hang.sh', hangingHelper(h.dir), 0o700);
  h.writeHome('.aws/config', `[profile hang]\ncredential_process = ${join(h.home, 'hang.sh')}\n`);
  daemon = await h.startDaemon();
});
after(async () => {
  for (const pgid of pgids) killGroup(pgid);
  await h.cleanup([KEYS.AWS_SECRET_ACCESS_KEY]);
});

/** A token call's request line as the plugin sends it (static keys: no credential child). */
function tokenLine(clusterId: string, env: Record<string, string>): string {
  const argv = ['token', '-i', clusterId, '--region', 'eu-west-1', '--daemon', 'on'];
  return `${JSON.stringify({ v: 1, op: 'exec', argv, env: { ...KEYS, ...env } })}\n`;
}

/** Sends one line on a fresh connection; resolves with the last line before the daemon closed it. */
function ask(socketPath: string, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      text += d;
    });
    socket.on('connect', () => socket.write(line));
    socket.on('close', () => resolve(text.trim().split('\n').at(-1) ?? ''));
    socket.on('error', reject);
    // A stalled daemon shows as an empty answer, not as a test that never ends.
    setTimeout(() => socket.destroy(), 15_000).unref();
  });
}

const FAULTS: Record<string, (path: string) => void> = {
  ELOOP: (path) => {
    symlinkSync(`${path}.loop`, path);
    symlinkSync(path, `${path}.loop`);
  },
  EISDIR: (path) => mkdirSync(path),
  FIFO: (path) => execFileSync('mkfifo', [path]),
};

test('EACCES-free faults (ELOOP, a directory, a FIFO) on every AWS file path: error answers, no crash, no stall', async () => {
  const base = join(h.dir, 'faults');
  mkdirSync(base);
  let n = 0;
  for (const [fault, inject] of Object.entries(FAULTS)) {
    for (const which of ['AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'HOME']) {
      n += 1;
      const home = join(base, `home${n}`);
      mkdirSync(join(home, '.aws'), { recursive: true });
      const path = which === 'HOME' ? join(home, '.aws', 'config') : join(base, `file${n}`);
      writeFileSync(path, '[default]\n');
      const env = { HOME: home, ...(which === 'HOME' ? {} : { [which]: path }) };
      const line = tokenLine(`eks-${n}`, env);
      assert.match(await ask(h.socket, line), /"ok":true/, `${fault} ${which}: before the fault`);
      rmSync(path);
      inject(path);
      // Past the moment in which the daemon reuses one look at the files for repeated lines.
      await sleep(50);
      // The same line again (the daemon keeps seen lines parsed), then one it has not seen.
      for (const again of [line, tokenLine(`eks-new-${n}`, env)]) {
        const answer = JSON.parse(await ask(h.socket, again));
        assert.equal(answer.ok, false, `${fault} ${which}: ${JSON.stringify(answer)}`);
        assert.equal(answer.error.code, 'E_NOT_FOR_DAEMON', `${fault} ${which}`);
      }
    }
  }
  // Every file read shares a few threads: FIFOs held in them would stall every other caller's miss.
  const other = await ask(h.socket, tokenLine('eks-other', { HOME: h.home }));
  assert.match(other, /"ok":true/, 'another identity is still answered');
  assert.equal(daemon.child.exitCode, null, 'the daemon is alive');
  assert.ok((await sendControl(h.socket, 'ping')).ok);
});

test('a client that leaves while its credentials are fetched: the helper and its children are killed', async () => {
  const env = { HOME: h.home, AWS_PROFILE: 'hang', AWS_REGION: 'eu-west-1' };
  const socket = createConnection(h.socket);
  socket.on('error', () => {});
  socket.write(
    `${JSON.stringify({ v: 1, op: 'exec', argv: ['token', '-i', 'eks-a', '--daemon', 'on'], env, cwd: h.dir })}\n`,
  );
  const file = join(h.dir, 'pgid');
  await waitFor(() => existsSync(file), 10_000);
  const pgid = Number(readFileSync(file, 'utf8'));
  pgids.push(pgid);
  assert.ok(groupMembers(pgid).length >= 2);
  socket.destroy();
  await waitFor(
    () => groupMembers(pgid).length === 0,
    5000,
    () => `left running: ${groupMembers(pgid)}`,
  );
});

test('the daemon killed with SIGKILL mid-fetch: its credential child and the helper group die with it', async () => {
  const own = new DaemonHarness();
  try {
    own.writeHome('hang.sh', hangingHelper(own.dir), 0o700);
    own.writeHome('.aws/config', `[profile hang]\ncredential_process = ${join(own.home, 'hang.sh')}\n`);
    const doomed = await own.startDaemon();
    const env = { HOME: own.home, AWS_PROFILE: 'hang', AWS_REGION: 'eu-west-1' };
    const socket = createConnection(own.socket);
    socket.on('error', () => {});
    const argv = ['token', '-i', 'eks-a', '--daemon', 'on'];
    const request = { v: 1, op: 'exec', argv, env, cwd: own.dir };
    socket.write(`${JSON.stringify(request)}\n`);
    const file = join(own.dir, 'pgid');
    await waitFor(() => existsSync(file), 10_000);
    const pgid = Number(readFileSync(file, 'utf8'));
    pgids.push(pgid);
    assert.ok(groupMembers(pgid).length >= 2);
    doomed.child.kill('SIGKILL');
    await waitFor(
      () => groupMembers(pgid).length === 0,
      5000,
      () => `left running after the daemon's SIGKILL: ${groupMembers(pgid)}`,
    );
    socket.destroy();
  } finally {
    await own.cleanup();
  }
});

test('EACCES on an AWS file path (a daemon of a second user): an error answer, no crash', async (t) => {
  const user = testUser('ekstoken-a');
  if (typeof user === 'string') return t.skip(user);
  const dir = mkdtempSync(join(tmpdir(), 'ekst-user-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const socketPath = join(dir, 'run', 'daemon.sock');
  mkdirSync(join(dir, 'home', '.aws'), { recursive: true });
  mkdirSync(join(dir, 'locked'), { mode: 0o700 });
  chownSync(dir, user.uid, user.gid);
  const config = join(dir, 'home', 'config');
  writeFileSync(config, '[default]\n');
  for (const path of [join(dir, 'home'), join(dir, 'home', '.aws'), config])
    chownSync(path, user.uid, user.gid);
  const env = { HOME: join(dir, 'home'), EKS_TOKEN_SOCKET: socketPath, PATH: process.env.PATH };
  const child = spawn(process.execPath, [CLI_JS, 'daemon', 'run'], {
    env,
    uid: user.uid,
    gid: user.gid,
    stdio: 'ignore',
  });
  try {
    // Asked directly: sendControl, like every client, refuses a socket of another user.
    const ping = async () => /"ok":true/.test(await ask(socketPath, '{"v":1,"op":"ping"}\n').catch(() => ''));
    await waitFor(ping, 10_000);
    const line = tokenLine('eks-a', { HOME: env.HOME, AWS_CONFIG_FILE: config });
    assert.match(await ask(socketPath, line), /"ok":true/);
    const answeredAt = Date.now();
    // Moved into a directory the daemon's user cannot search: stat fails with EACCES.
    execFileSync('mv', [config, join(dir, 'locked', 'config')]);
    symlinkSync(join(dir, 'locked', 'config'), config);
    // A line seen within STAMP_REUSE_MS is served on its last look at the files (an edit reaches the
    // daemon later than that through kubectl); the swap here can be quicker, so ask after it.
    await sleep(Math.max(0, STAMP_REUSE_MS + 5 - (Date.now() - answeredAt)));
    for (const again of [line, tokenLine('eks-b', { HOME: env.HOME, AWS_CONFIG_FILE: config })]) {
      const answer = JSON.parse(await ask(socketPath, again));
      assert.equal(answer.error?.code, 'E_NOT_FOR_DAEMON', JSON.stringify(answer));
      assert.match(answer.error.message, /EACCES/);
    }
    assert.equal(child.exitCode, null, 'the daemon is alive');
    assert.ok(await ping());
  } finally {
    child.kill('SIGTERM');
  }
});
