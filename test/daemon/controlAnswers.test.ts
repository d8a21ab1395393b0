import assert from 'node:assert/strict';
import { chmodSync, mkdirSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ensureSocketDir } from '../../src/protocol/ensureSocketDir.js';
import { DaemonHarness, KEYS } from '../helpers/daemonHarness.js';

let h: DaemonHarness;
before(() => {
  h = new DaemonHarness();
});
after(async () => h.cleanup([KEYS.AWS_SECRET_ACCESS_KEY]));

function ask(socketPath: string, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      text += d;
    });
    socket.on('connect', () => socket.write(line));
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
  });
}

test('daemon status at a large cache: the answer fits, newest rows first, with the count of all', async () => {
  await h.startDaemon(['--max-entries', '1500']);
  const env = { ...KEYS, HOME: h.home };
  // Long cluster names make long rows: 1500 of them are far more than one answer line holds.
  for (let batch = 0; batch < 1500; batch += 50) {
    await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const argv = [
          'token',
          '-i',
          `c${batch + i}-${'x'.repeat(90)}`,
          '--region',
          'eu-west-1',
          '--daemon',
          'on',
        ];
        const answer = await ask(h.socket, `${JSON.stringify({ v: 1, op: 'exec', argv, env })}\n`);
        assert.match(answer, /"ok":true/);
      }),
    );
  }
  const json = await h.run(['daemon', 'status', '--json'], h.env());
  assert.equal(json.code, 0, json.stderr);
  const status = JSON.parse(json.stdout) as { entries: Array<{ cluster: string }>; entryCount: number };
  assert.equal(status.entryCount, 1500);
  assert.ok(status.entries.length > 100 && status.entries.length < 1500, String(status.entries.length));
  assert.match(status.entries[0]?.cluster ?? '', /^c1499-/, 'the most recently used first');
  const text = await h.run(['daemon', 'status'], h.env());
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, new RegExp(`and ${1500 - status.entries.length} less recently used`));
});

test('status, flush and stop against something that is not the daemon: one clear line each', async () => {
  const answers: Record<string, string> = {
    'not JSON': 'HTTP/1.1 400 Bad Request\r\n\r\n',
    'JSON of another shape': '{"v":1,"ok":true}\n',
    'a status that is not one': '{"v":1,"ok":true,"status":"fine","flushed":"all","pid":"x"}\n',
    'another protocol': '{"v":7,"ok":true}\n',
  };
  const servers: Server[] = [];
  try {
    for (const [name, answer] of Object.entries(answers)) {
      const socket = join(h.dir, name.replace(/ /g, '-'), 'daemon.sock');
      ensureSocketDir(socket);
      const server = createServer((s) => s.on('error', () => {}).once('data', () => s.end(answer)));
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(socket, resolve));
      for (const command of ['status', 'flush', 'stop']) {
        const r = await h.run(['daemon', command], h.env({ EKS_TOKEN_SOCKET: socket }));
        assert.equal(r.code, 1, `${name}, ${command}: ${r.stdout}`);
        assert.match(r.stderr, /^eks-token: [^\n]+\n$/, `${name}, ${command}`);
        assert.doesNotMatch(r.stderr, /TypeError|undefined|NaN|at /, `${name}, ${command}`);
      }
    }
  } finally {
    for (const server of servers) server.close();
  }
});

test('status, flush, stop and start refuse a socket in an unsafe directory without connecting to it', async () => {
  const dir = join(h.dir, 'shared-dir');
  const socket = join(dir, 'daemon.sock');
  mkdirSync(dir, { mode: 0o777 });
  chmodSync(dir, 0o777);
  let connections = 0;
  const status = { v: 1, ok: true, pid: 1, flushed: 0, version: 'x' };
  const server = createServer((s) => {
    connections += 1;
    s.on('error', () => {}).once('data', () => s.end(`${JSON.stringify(status)}\n`));
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  try {
    for (const command of ['status', 'flush', 'stop', 'start']) {
      const r = await h.run(['daemon', command], h.env({ EKS_TOKEN_SOCKET: socket }));
      assert.equal(r.code, 1, `${command}: ${r.stdout}`);
      assert.match(r.stderr, /^eks-token: [^\n]*(not safe to use|writable|mode)[^\n]*\n$/, command);
    }
    assert.equal(connections, 0, 'nothing was sent to the foreign socket');
  } finally {
    server.close();
  }
});

test("a daemon's text reaches the terminal inert: escape sequences in status are escaped", async () => {
  const socket = join(h.dir, 'escapes', 'daemon.sock');
  ensureSocketDir(socket);
  const evil = '\x1b]0;owned\x07\x1b[2J\u009b31m';
  const status = {
    pid: 7,
    version: `1.0${evil}`,
    uptimeSeconds: 1,
    socket: `/tmp/x${evil}`,
    counters: { hits: 0, misses: 0, renewals: 0, errors: 0, credentialFetches: 0 },
    unserved: { [`E_X${evil}`]: 1 },
    entries: [{ cluster: `eks${evil}`, role: null, region: 'eu-west-1', expiresInSeconds: 60, hits: 1 }],
  };
  const server = createServer((s) =>
    s.on('error', () => {}).once('data', () => s.end(`${JSON.stringify({ v: 1, ok: true, status })}\n`)),
  );
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  try {
    for (const args of [
      ['daemon', 'status'],
      ['daemon', 'status', '--json'],
    ]) {
      const r = await h.run(args, h.env({ EKS_TOKEN_SOCKET: socket }));
      assert.equal(r.code, 0, r.stderr);
      const raw = [...r.stdout].filter((c) => c !== '\n' && (c < ' ' || (c >= '\x7f' && c <= '\x9f')));
      assert.deepEqual(raw, [], args.join(' '));
      assert.match(r.stdout, /\\u001b/, args.join(' '));
    }
  } finally {
    server.close();
  }
});
