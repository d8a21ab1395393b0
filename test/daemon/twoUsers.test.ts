import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { KEYS, runNode, waitFor } from '../helpers/daemonHarness.js';
import { testUser } from '../helpers/testUsers.js';

const CALLS = 100;
const victim = testUser('ekstoken-v');
const mallory = testUser('ekstoken-m');
const skip = typeof victim === 'string' ? victim : typeof mallory === 'string' ? mallory : false;
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

// Mallory's fake daemon: it answers every request with her own token and writes down what it got;
// meanwhile she swaps her directory in for the victim's and back, as fast as she can.
const MALLORY = `
const { createServer } = require('node:net');
const { appendFileSync, chmodSync, renameSync } = require('node:fs');
const [shared, log] = process.argv.slice(1);
const server = createServer((s) => {
  s.on('error', () => {});
  s.on('data', (d) => {
    appendFileSync(log, JSON.stringify(String(d)) + '\\n');
    s.end(JSON.stringify({ v: 1, ok: true, expiresAt: Date.now() + 600000, stdout: 'MALLORY\\n', stderr: '',
      token: 'k8s-aws-v1.TUFMTE9SWQ', clusterName: 'c', cached: true, warnings: [] }) + '\\n');
  });
});
server.listen(shared + '/m/daemon.sock', () => {
  chmodSync(shared + '/m/daemon.sock', 0o666);
  process.stdout.write('ready\\n');
  // In for 3 ms, out for 1 ms: timers, not a busy loop, so the victim's calls still get the CPU.
  const swap = () => {
    try {
      renameSync(shared + '/d', shared + '/v');
      renameSync(shared + '/m', shared + '/d');
    } catch {}
    setTimeout(() => {
      try {
        renameSync(shared + '/d', shared + '/m');
        renameSync(shared + '/v', shared + '/d');
      } catch {}
      setTimeout(swap, 1);
    }, 3);
  };
  swap();
});
`;

test(`directory-swap race in a shared group-writable directory: 0 of ${CALLS} calls reach another user's socket`, {
  skip,
}, async () => {
  if (typeof victim === 'string' || typeof mallory === 'string') return;
  const shared = mkdtempSync(join(tmpdir(), 'ekst-shared-'));
  const victimHome = mkdtempSync(join(tmpdir(), 'ekst-victim-'));
  const log = join(mkdtempSync(join(tmpdir(), 'ekst-mallory-')), 'got');
  dirs.push(shared, victimHome, join(log, '..'));
  // Shared with Mallory's group, writable by it, not sticky: she may rename anything in it.
  chownSync(shared, 0, mallory.gid);
  chmodSync(shared, 0o775);
  mkdirSync(join(shared, 'd'), { mode: 0o700 });
  chownSync(join(shared, 'd'), victim.uid, victim.gid);
  // Hers is open to all: the victim must be able to reach her socket once it sits at its path.
  mkdirSync(join(shared, 'm'), { mode: 0o755 });
  chownSync(join(shared, 'm'), mallory.uid, mallory.gid);
  chownSync(victimHome, victim.uid, victim.gid);
  chownSync(join(log, '..'), mallory.uid, mallory.gid);
  const attacker: ChildProcess = spawn(process.execPath, ['-e', MALLORY, shared, log], {
    uid: mallory.uid,
    gid: mallory.gid,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    let ready = '';
    attacker.stdout?.on('data', (d) => {
      ready += d;
    });
    await waitFor(() => ready.includes('ready'), 10_000);
    let leaked = 0;
    let unsafe = 0;
    const call = async (i: number) => {
      const r = await runNode(
        ['token', '-i', 'eks-a', '--region', 'eu-west-1', ...(i % 2 ? ['--debug'] : [])],
        {
          ...KEYS,
          HOME: victimHome,
          EKS_TOKEN_SOCKET: join(shared, 'd', 'daemon.sock'),
          EKS_TOKEN_DAEMON: 'on',
          AWS_EC2_METADATA_DISABLED: 'true',
        },
        { uid: victim.uid, gid: victim.gid },
      );
      assert.equal(r.code, 0, r.stderr);
      if (r.stdout.includes('MALLORY') || r.stdout.includes('TUFMTE9SWQ')) leaked += 1;
      if (/daemon not used \(unsafe: \S+ is writable by its group and not sticky/.test(r.stderr)) unsafe += 1;
    };
    // A few at a time: the calls are the slow part, and the race is per call.
    for (let i = 0; i < CALLS; i += 4) await Promise.all([i, i + 1, i + 2, i + 3].map(call));
    const got = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
    const sentKey = got.filter((line) => line.includes(KEYS.AWS_SECRET_ACCESS_KEY)).length;
    assert.deepEqual(
      { printedMallorysToken: leaked, sentHerTheKey: sentKey, requestsSheGot: got.length },
      { printedMallorysToken: 0, sentHerTheKey: 0, requestsSheGot: 0 },
    );
    assert.equal(unsafe, CALLS / 2, 'every --debug call says why the daemon was not used');
  } finally {
    attacker.kill('SIGKILL');
  }
});
