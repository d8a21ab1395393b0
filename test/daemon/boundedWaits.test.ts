import assert from 'node:assert/strict';
import { createConnection, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ensureSocketDir } from '../../src/protocol/ensureSocketDir.js';
import { askDaemon } from '../../src/protocol/requestFromDaemon.js';
import { sendControl } from '../../src/protocol/sendControl.js';
import {
  DaemonHarness,
  type DaemonProcess,
  KEYS,
  tokenOf,
  urlOf,
  waitFor,
} from '../helpers/daemonHarness.js';
import { hangingHelper } from '../helpers/processGroups.js';

let h: DaemonHarness;
let daemon: DaemonProcess;
const SECRET = 'fastSecretKeyEXAMPLEfastSecretKeyEXAMPLE';
before(async () => {
  h = new DaemonHarness();
  const hang = h.writeHome('hang.sh', hangingHelper(h.dir), 0o700);
  const fast = h.writeHome(
    'fast.sh',
    `#!/bin/sh\necho '{"Version":1,"AccessKeyId":"AKIDFAST","SecretAccessKey":"${SECRET}"}'\n`,
    0o700,
  );
  const slow = Array.from({ length: 8 }, (_, i) => `[profile slow${i}]\ncredential_process = ${hang}\n`);
  h.writeHome('.aws/config', `${slow.join('')}[profile fast]\ncredential_process = ${fast}\n`);
  daemon = await h.startDaemon();
});
after(async () => {
  daemon.child.kill('SIGCONT');
  await h.cleanup([KEYS.AWS_SECRET_ACCESS_KEY, SECRET]);
});

/** Resolves with what `promise` gives, or 'still waiting' if it takes longer than a test should. */
function orStillWaiting<T>(promise: Promise<T>, ms = 10_000): Promise<T | 'still waiting'> {
  return Promise.race([
    promise,
    new Promise<'still waiting'>((r) => setTimeout(() => r('still waiting'), ms).unref()),
  ]);
}

test('a daemon that says "pending" forever is abandoned after the total limit', async () => {
  const path = join(h.dir, 'pending', 'daemon.sock');
  ensureSocketDir(path);
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    sockets.push(s);
    s.on('error', () => {});
    const timer = setInterval(() => s.write('{"v":1,"pending":true}\n'), 20);
    s.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  try {
    const outcome = await orStillWaiting(
      askDaemon(
        ['token', '-i', 'eks-a', '--region', 'eu-west-1', '--daemon', 'on'],
        { EKS_TOKEN_SOCKET: path },
        Date.now,
        {
          answerMs: 300,
          pendingMs: 600,
        },
      ),
    );
    assert.deepEqual(outcome === 'still waiting' ? outcome : [outcome.ok, !outcome.ok && outcome.reason], [
      false,
      'timeout',
    ]);
  } finally {
    for (const s of sockets) s.destroy();
    server.close();
  }
});

test('a stopped daemon (SIGSTOP): the plugin gives up after the first-answer limit and mints itself', async () => {
  daemon.child.kill('SIGSTOP');
  try {
    const r = await h.run(
      ['token', '-i', 'eks-a', '--region', 'eu-west-1', '--daemon', 'on', '--debug'],
      h.env(KEYS),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /daemon not used \(timeout: no answer within 1000 ms\)/);
    assert.equal(urlOf(tokenOf(r.stdout)).searchParams.get('X-Amz-Credential')?.split('/')[0], 'AKIDEXAMPLE');
  } finally {
    daemon.child.kill('SIGCONT');
  }
});

test("other identities' slow credential fetches never hold up another identity's answer", async () => {
  const line = (profile: string) =>
    `${JSON.stringify({ v: 1, op: 'exec', argv: ['token', '-i', 'eks-a', '--region', 'eu-west-1', '--daemon', 'on'], env: { HOME: h.home, AWS_PROFILE: profile }, cwd: h.dir })}\n`;
  // Eight identities whose credential helpers hang.
  const slow = Array.from({ length: 8 }, (_, i) => {
    const s = createConnection(h.socket);
    s.on('error', () => {});
    s.write(line(`slow${i}`));
    return s;
  });
  try {
    await waitFor(async () => {
      const status = await sendControl(h.socket, 'status');
      return (
        status.ok &&
        (status.reply.status as { counters: { credentialFetches: number } }).counters.credentialFetches >= 8
      );
    }, 10_000);
    const answer = await orStillWaiting(
      new Promise<string>((resolve, reject) => {
        let text = '';
        const s = createConnection(h.socket);
        s.setEncoding('utf8');
        s.on('data', (d: string) => {
          text += d;
        });
        s.on('close', () => resolve(text.trim().split('\n').at(-1) ?? ''));
        s.on('error', reject);
        s.write(line('fast'));
      }),
    );
    // Answered now: its own token if a fetch was free, else an error the plugin answers in-process.
    assert.notEqual(answer, 'still waiting');
    assert.match(answer, /"ok":true|running already/);
  } finally {
    for (const s of slow) s.destroy();
  }
});
