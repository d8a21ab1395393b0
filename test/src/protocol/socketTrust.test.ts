import assert from 'node:assert/strict';
import { chmodSync, lchownSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { resolveSocketPath, socketPathNote } from '../../../src/protocol/resolveSocketPath.js';
import { currentUid, socketPathProblem } from '../../../src/protocol/socketDirProblem.js';
import { trustedSocket } from '../../../src/protocol/trustedSocket.js';

const root = mkdtempSync(join(tmpdir(), 'ekst-trust-'));
const servers: Server[] = [];
after(() => {
  for (const server of servers) server.close();
  rmSync(root, { recursive: true, force: true });
});
const asRoot = process.getuid?.() === 0;
const OTHER_UID = 4242;

/** A server on `path` that answers every connection with `name`. */
async function serve(path: string, name: string): Promise<void> {
  const server = createServer((s) => s.end(`${name}\n`));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(path, resolve));
}

function reach(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    createConnection(path)
      .on('data', (d) => {
        text += d;
      })
      .on('close', () => resolve(text.trim()))
      .on('error', reject);
  });
}

/** A private socket directory below `parent`, with a live server. */
async function daemonDir(parent: string, name = 'd'): Promise<string> {
  const dir = join(parent, name);
  mkdirSync(dir, { mode: 0o700 });
  await serve(join(dir, 'daemon.sock'), 'daemon');
  return join(dir, 'daemon.sock');
}

test('a directory above the socket that others can write (not sticky) is refused; a sticky one is not', async () => {
  const shared = join(root, 'shared');
  mkdirSync(shared);
  const socket = await daemonDir(shared);
  for (const [mode, refused] of [
    [0o775, /shared is writable by its group and not sticky/],
    [0o757, /shared is writable by others and not sticky/],
    [0o1777, undefined],
    [0o755, undefined],
  ] as const) {
    chmodSync(shared, mode);
    const trusted = trustedSocket(socket);
    if (trusted.ok) trusted.release();
    if (refused) {
      assert.equal(trusted.ok, false, mode.toString(8));
      assert.match(trusted.ok ? '' : trusted.problem, refused);
      assert.match(socketPathProblem(socket) ?? '', refused);
    } else assert.equal(trusted.ok, true, `${mode.toString(8)}: ${JSON.stringify(trusted)}`);
  }
  // A symlink on the way is judged by where it leads.
  chmodSync(shared, 0o775);
  symlinkSync(shared, join(root, 'link'));
  assert.match(socketPathProblem(join(root, 'link', 'd', 'daemon.sock')) ?? '', /writable by its group/);
});

test('a socket, or a directory above it, owned by another uid is refused', {
  skip: !asRoot && 'needs root to chown',
}, async () => {
  const socket = await daemonDir(root, 'foreign-socket');
  lchownSync(socket, OTHER_UID, OTHER_UID);
  const trusted = trustedSocket(socket);
  assert.equal(trusted.ok, false);
  assert.match(
    trusted.ok ? '' : trusted.problem,
    new RegExp(`owned by uid ${OTHER_UID}, not ${currentUid()}`),
  );
  const theirs = join(root, 'theirs');
  mkdirSync(theirs, { mode: 0o755 });
  lchownSync(theirs, OTHER_UID, OTHER_UID);
  const below = await daemonDir(theirs);
  assert.match(socketPathProblem(below) ?? '', new RegExp(`theirs is owned by uid ${OTHER_UID}`));
});

test('the checked directory is the one connected to, even when it is swapped right after the check', async () => {
  const parent = join(root, 'swap');
  mkdirSync(parent, { mode: 0o700 });
  const socket = await daemonDir(parent);
  const trusted = trustedSocket(socket);
  assert.ok(trusted.ok);
  // Swapped between the check and connect(): the path now leads to another server.
  renameSync(join(parent, 'd'), join(parent, 'moved'));
  mkdirSync(join(parent, 'd'), { mode: 0o700 });
  await serve(socket, 'impostor');
  assert.equal(await reach(socket), 'impostor');
  try {
    assert.equal(await reach(trusted.connectPath), process.platform === 'linux' ? 'daemon' : 'impostor');
  } finally {
    trusted.release();
  }
});

test('/tmp/eks-token-<uid> held by another user: the socket goes under HOME, and the note says why', {
  skip: !asRoot && 'needs root to make a directory owned by another uid',
}, () => {
  const uid = 40_000 + (process.pid % 20_000);
  const squatted = `/tmp/eks-token-${uid}`;
  mkdirSync(squatted, { mode: 0o700 });
  try {
    lchownSync(squatted, OTHER_UID, OTHER_UID);
    const home = join(root, 'home');
    assert.equal(resolveSocketPath({ HOME: home }, uid), join(home, '.eks-token', 'daemon.sock'));
    assert.match(
      socketPathNote({ HOME: home }, uid) ?? '',
      new RegExp(`${squatted} is owned by uid ${OTHER_UID}`),
    );
    // Only when the path fits a socket address; an explicit choice is never second-guessed.
    assert.equal(resolveSocketPath({ HOME: `/${'h'.repeat(110)}` }, uid), `${squatted}/daemon.sock`);
    assert.equal(resolveSocketPath({ HOME: home, EKS_TOKEN_SOCKET: '/x/s' }, uid), '/x/s');
    assert.equal(socketPathNote({ HOME: home, EKS_TOKEN_SOCKET: '/x/s' }, uid), undefined);
    // The user's own directory with a wrong mode is reported with its fix instead.
    lchownSync(squatted, uid, uid);
    chmodSync(squatted, 0o755);
    assert.equal(resolveSocketPath({ HOME: home }, uid), `${squatted}/daemon.sock`);
  } finally {
    rmSync(squatted, { recursive: true, force: true });
  }
});
