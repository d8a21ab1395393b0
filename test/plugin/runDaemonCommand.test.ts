import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, test } from 'node:test';
import type { PluginDeps } from '../../plugin/PluginDeps.js';
import { runDaemonCommand } from '../../plugin/runDaemonCommand.js';
import { isEksTokenError } from '../../src/shared/EksTokenError.js';

// A private (0700) socket directory of our own, as the client requires.
const dir = mkdtempSync(join(tmpdir(), 'eks-token-daemon-command-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function deps(socket: string, selfPath?: string): PluginDeps {
  const sink = { write: () => true };
  return {
    env: { EKS_TOKEN_SOCKET: socket },
    now: Date.now,
    stdout: sink,
    stderr: sink,
    stdin: new PassThrough(),
    selfPath,
    cwd: () => undefined,
  };
}

const code = (expected: string) => (e: unknown) => isEksTokenError(e) && e.code === expected;

test('status and flush without a daemon are E_DAEMON_NOT_RUNNING', async () => {
  const socket = join(dir, 'none.sock');
  await assert.rejects(runDaemonCommand(['status'], deps(socket)), code('E_DAEMON_NOT_RUNNING'));
  await assert.rejects(runDaemonCommand(['flush'], deps(socket)), code('E_DAEMON_NOT_RUNNING'));
});

test('a socket holder that hangs up without an answer is E_DAEMON_UNRESPONSIVE', async () => {
  const socket = join(dir, 'mute.sock');
  const server = createServer((connection) => connection.on('data', () => connection.destroy()));
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  try {
    await assert.rejects(runDaemonCommand(['status'], deps(socket)), code('E_DAEMON_UNRESPONSIVE'));
  } finally {
    server.close();
  }
});

test('start without a script to run is E_DAEMON_START', async () => {
  await assert.rejects(runDaemonCommand(['start'], deps(join(dir, 'start.sock'))), code('E_DAEMON_START'));
});
