import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, test } from 'node:test';
import { answerFromDaemon } from '../../plugin/answerFromDaemon.js';
import { run } from '../../plugin/main.js';
import type { PluginDeps } from '../../plugin/PluginDeps.js';
import { ensureSocketDir } from '../../src/protocol/ensureSocketDir.js';

// The working directory a request carries (where a credential_process helper would run) comes from
// deps.cwd, on the hot path and in the full CLI, so a test or an embedder decides it.
const dir = mkdtempSync(join(tmpdir(), 'eks-token-cwd-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A daemon on a real Unix socket that records each request line and answers E_DAEMON_BUSY. */
async function recordingDaemon() {
  const path = join(dir, `d${Math.random().toString(36).slice(2)}`, 'daemon.sock');
  ensureSocketDir(path);
  const lines: Array<Record<string, unknown>> = [];
  const server = createServer((socket: Socket) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      text += d;
      if (!text.endsWith('\n')) return;
      lines.push(JSON.parse(text));
      socket.end('{"v":1,"ok":false,"code":"E_DAEMON_BUSY","message":"busy"}\n');
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return { path, lines, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function deps(socket: string, cwd: string | undefined): PluginDeps & { err: string[] } {
  const err: string[] = [];
  return {
    env: { EKS_TOKEN_SOCKET: socket, EKS_TOKEN_DAEMON: 'on', AWS_ACCESS_KEY_ID: 'AKIAX' },
    now: Date.now,
    stdout: { write: () => true },
    stderr: { write: (s: string) => err.push(s) },
    stdin: new PassThrough(),
    cwd: () => cwd,
    err,
  };
}

test('the hot path sends deps.cwd, and no cwd when there is none', async () => {
  const daemon = await recordingDaemon();
  try {
    for (const cwd of ['/srv/injected', undefined]) {
      const d = deps(daemon.path, cwd);
      await new Promise<void>((resolve) =>
        answerFromDaemon(
          ['token', '-i', 'demo'],
          d.env,
          d.now,
          d,
          () => resolve(),
          () => resolve(),
        ),
      );
    }
    assert.deepEqual(
      daemon.lines.map((l) => [l.op, l.cwd]),
      [
        ['exec', '/srv/injected'],
        ['exec', undefined],
      ],
    );
  } finally {
    await daemon.close();
  }
});

test('the full CLI (--debug) sends deps.cwd too', async () => {
  const daemon = await recordingDaemon();
  try {
    const d = deps(daemon.path, '/srv/debugged');
    // The daemon refuses; the plugin then mints in-process and fails for want of a region's
    // credentials or reaches none: either way the request line is what this test reads.
    await run(['token', '-i', 'demo', '--debug', '--region', 'eu-west-1'], {
      ...d,
      env: { ...d.env, AWS_SECRET_ACCESS_KEY: 'x', AWS_EC2_METADATA_DISABLED: 'true' },
    });
    assert.deepEqual(
      daemon.lines.map((l) => [l.op, l.cwd]),
      [['exec', '/srv/debugged']],
    );
  } finally {
    await daemon.close();
  }
});
