import assert from 'node:assert/strict';
import { lstatSync, readFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DaemonHarness, daemonPids, isAlive, KEYS, stopDetached, waitFor } from '../helpers/daemonHarness.js';

let h: DaemonHarness;
before(() => {
  h = new DaemonHarness();
});
after(async () => h.cleanup([KEYS.AWS_SECRET_ACCESS_KEY]));

/** A loopback TCP port nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.on('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

test('--daemon auto from a shell with NODE_OPTIONS=--inspect: the daemon has no inspector, no NODE_* and no core dumps', async () => {
  const port = await freePort();
  const env = h.env({
    ...KEYS,
    NODE_OPTIONS: `--inspect=127.0.0.1:${port}`,
    NODE_EXTRA_CA_CERTS: '/dev/null',
    SOME_SHELL_VARIABLE: 'x',
  });
  const r = await h.run(['token', '-i', 'eks-a', '--region', 'eu-west-1', '--daemon', 'auto'], env);
  assert.equal(r.code, 0, r.stderr);
  await waitFor(() => daemonPids(h.socket).length === 1, 10_000);
  const [pid = 0] = daemonPids(h.socket);
  await waitFor(() => lstatSync(h.socket, { throwIfNoEntry: false })?.isSocket() === true, 10_000);
  const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  const names = environ.map((entry) => entry.slice(0, entry.indexOf('=')));
  assert.deepEqual(
    names.filter(
      (name) => name.startsWith('NODE_') || name.startsWith('AWS_') || name === 'SOME_SHELL_VARIABLE',
    ),
    [],
  );
  assert.ok(!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--inspect'));
  assert.match(readFileSync(`/proc/${pid}/limits`, 'utf8'), /^Max core file size\s+0\s+0\s/m);
  // The plugin itself listened while it ran (its own NODE_OPTIONS); it has exited, the daemon lives.
  assert.ok(isAlive(pid));
  assert.equal(await listening(port), false, `something listens on 127.0.0.1:${port}`);
});

test('a relative EKS_TOKEN_SOCKET is made absolute by the client before it starts the daemon', async (t) => {
  const env = h.env({ ...KEYS, EKS_TOKEN_SOCKET: 'rel/daemon.sock' });
  const socket = join(h.dir, 'rel', 'daemon.sock');
  const r = await h.run(['token', '-i', 'eks-a', '--region', 'eu-west-1', '--daemon', 'auto'], env, {
    cwd: h.dir,
  });
  assert.equal(r.code, 0, r.stderr);
  t.after(() => stopDetached(socket));
  await waitFor(() => lstatSync(socket, { throwIfNoEntry: false })?.isSocket() === true, 10_000);
  assert.equal(daemonPids(socket).length, 1);
});
