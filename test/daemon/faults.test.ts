import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { execRequestLine, MAX_REQUEST_BYTES } from '../../src/protocol/DaemonRequest.js';
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

const SLOW_SECRET = 'slowSecretKeyEXAMPLEslowSecretKeyEXAMPLE';
let h: DaemonHarness;
let daemon: DaemonProcess;

before(async () => {
  h = new DaemonHarness();
  const script = h.writeHome(
    'slow-creds.sh',
    `#!/bin/sh\nsleep 1\necho '{"Version":1,"AccessKeyId":"AKIDSLOW","SecretAccessKey":"${SLOW_SECRET}"}'\n`,
    0o700,
  );
  h.writeHome('.aws/config', `[profile slow]\ncredential_process = ${script}\n`);
  daemon = await h.startDaemon();
});
after(async () => h.cleanup([KEYS.AWS_SECRET_ACCESS_KEY, SLOW_SECRET]));

/** Sends raw bytes on a fresh connection and collects everything until the daemon closes it. */
function exchange(payload: string, endAfter = false): Promise<string> {
  return new Promise((resolve) => {
    const socket = createConnection(h.socket);
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      text += d;
    });
    socket.on('connect', () => (endAfter ? socket.end(payload) : socket.write(payload)));
    socket.on('close', () => resolve(text));
    // A daemon that answers and closes before all was sent (an oversized line): EPIPE, then close.
    socket.on('error', () => {});
    setTimeout(() => socket.destroy(), 15_000).unref();
  });
}

function rssKiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
}

async function assertAnswersTokens(): Promise<void> {
  const outcome = await askDaemon(
    ['token', '-i', 'eks-a', '--region', 'eu-west-1', '--daemon', 'on'],
    h.env(KEYS),
    Date.now,
  );
  assert.ok(outcome.ok, JSON.stringify(outcome));
}

test('garbage, truncated and oversized lines get one error line each; the daemon keeps answering', async () => {
  const garbage = JSON.parse(await exchange('hello daemon\n'));
  assert.deepEqual([garbage.v, garbage.ok, garbage.error.code], [1, false, 'E_BAD_REQUEST']);
  assert.match(garbage.error.message, /not JSON/);
  const truncated = await exchange('{"v":1,"op":"pi', true);
  assert.match(JSON.parse(truncated).error.message, /ended without a newline/);
  assert.equal(JSON.parse(truncated).error.code, 'E_BAD_REQUEST');
  const oversized = await exchange('x'.repeat(MAX_REQUEST_BYTES + 1024));
  assert.match(JSON.parse(oversized).error.message, new RegExp(`longer than ${MAX_REQUEST_BYTES} bytes`));
  assert.equal(JSON.parse(oversized).error.code, 'E_BAD_REQUEST');
  const wrongVersion = JSON.parse(await exchange('{"v":99,"op":"ping"}\n'));
  assert.match(wrongVersion.error.message, /protocol version 99/);
  assert.equal((await exchange('{"v":1,"op":"ping"}\n')).split('\n').length, 2);
  await assertAnswersTokens();
});

test('a request line that arrives a byte at a time, split inside UTF-8 characters, is answered', async () => {
  // A variable the cache key includes, with multi-byte characters in it.
  const env = { ...h.env(KEYS), AWS_X_NOTE: 'région ✓ 🚀' };
  const line = execRequestLine(['token', '-i', 'eks-a', '--region', 'eu-west-1', '--daemon', 'on'], env);
  // Sent whole first; the trickled copy must then hit the same cache key, which a decoding slip
  // (a character split between reads turned into U+FFFD) would miss.
  assert.match(await exchange(line), /"ok":true/);
  const bytes = Buffer.from(line);
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = createConnection(h.socket);
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      text += d;
    });
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
    socket.on('connect', async () => {
      // A pause after every byte of the note, so that the daemon reads each one on its own.
      const note = bytes.indexOf('région');
      for (let i = 0; i < bytes.length; i++) {
        socket.write(bytes.subarray(i, i + 1));
        if (i >= note && i < note + 20) await sleep(2);
      }
    });
  });
  const reply = JSON.parse(answer.split('\n').find((l) => l.includes('"ok"')) ?? '{}');
  assert.equal(reply.ok, true, answer.slice(0, 300));
  assert.equal(reply.cached, true, 'the same key as the whole line');
});

test('fuzz: random lines against the live daemon each get one JSON line back', async () => {
  await fc.assert(
    fc.asyncProperty(fc.string({ maxLength: 200, unit: 'binary' }), async (line) => {
      const answer = await exchange(`${line.replace(/\n/g, ' ')}\n`);
      const lines = answer.split('\n').filter(Boolean);
      assert.ok(lines.length === 1 || (lines.length === 2 && lines[0] === '{"v":1,"pending":true}'), answer);
      assert.equal(typeof JSON.parse(lines.at(-1) ?? '').ok, 'boolean');
    }),
    { numRuns: 300 },
  );
  await assertAnswersTokens();
});

test('thousands of idle connections: bounded, and the daemon still answers with bounded memory', async () => {
  const before = rssKiB(daemon.pid);
  const sockets: Socket[] = [];
  let connected = 0;
  let closedByDaemon = 0;
  await Promise.all(
    Array.from(
      { length: 2000 },
      () =>
        new Promise<void>((resolve) => {
          let open = false;
          const s = createConnection(h.socket, () => {
            open = true;
            connected += 1;
            resolve();
          });
          // A full listen queue refuses a connect (EAGAIN): that client never got in.
          s.on('error', () => resolve());
          s.on('close', () => {
            if (open) closedByDaemon += 1;
          });
          sockets.push(s);
        }),
    ),
  );
  // A Unix socket's connect completes in the listen queue: once every connection over the limit
  // (1024) is closed, the daemon has accepted them all and the queue is empty again.
  await waitFor(
    () => closedByDaemon >= connected - 1024,
    5000,
    () => `closed ${closedByDaemon} of ${connected}`,
  );
  assert.ok(connected > 1024, `only ${connected} connected`);
  await assertAnswersTokens();
  const ping = await sendControl(h.socket, 'ping');
  assert.ok(ping.ok);
  const during = rssKiB(daemon.pid);
  for (const s of sockets) s.destroy();
  assert.ok(during - before < 60 * 1024, `RSS grew from ${before} KiB to ${during} KiB`);
  assert.ok(during < 200 * 1024, `RSS ${during} KiB`);
  await assertAnswersTokens();
});

test('many distinct keys: the cache stays at its bound (LRU, default 512) and memory with it', async () => {
  const before = rssKiB(daemon.pid);
  const env = h.env(KEYS);
  for (let batch = 0; batch < 1200; batch += 20) {
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        askDaemon(['token', '-i', `c${batch + i}`, '--region', 'eu-west-1', '--daemon', 'on'], env, Date.now),
      ),
    );
    assert.ok(
      outcomes.every((o) => o.ok),
      JSON.stringify(outcomes.find((o) => !o.ok)),
    );
  }
  const status = await sendControl(h.socket, 'status');
  assert.ok(status.ok);
  assert.equal((status.reply.status as { entries: unknown[] }).entries.length, 512);
  const grown = rssKiB(daemon.pid) - before;
  assert.ok(grown < 40 * 1024, `RSS grew by ${grown} KiB`);
});

test('fake daemons that hang or answer nonsense only cost time: the plugin falls back', async () => {
  const behaviours: Record<string, (socket: Socket) => void> = {
    silent: () => {},
    garbage: (s) => s.end('garbage\n'),
    oversized: (s) => s.write('x'.repeat(100 * 1024)),
    'other version': (s) =>
      s.end('{"v":2,"ok":true,"token":"k8s-aws-v1.Zm9v","expiresAt":9e15,"clusterName":"c","warnings":[]}\n'),
    'pending then close': (s) => s.end('{"v":1,"pending":true}\n'),
    'fake token': (s) =>
      s.end('{"v":1,"ok":true,"token":"not-a-token","expiresAt":9e15,"clusterName":"c","warnings":[]}\n'),
    'expired answer': (s) => s.end('{"v":1,"ok":true,"expiresAt":1,"stdout":"x\\n","stderr":""}\n'),
    'empty answer': (s) => s.end('{"v":1,"ok":true,"expiresAt":9e15,"stdout":"","stderr":""}\n'),
    'an error': (s) => s.end('{"v":1,"ok":false,"error":{"code":"E_CREDENTIALS","message":"no"}}\n'),
  };
  const servers: Server[] = [];
  const runs = Object.entries(behaviours).map(async ([name, behave], i) => {
    const socket = join(h.dir, `fake${i}`, 'daemon.sock');
    ensureSocketDir(socket);
    // Clients hang up on nonsense mid-write; a real daemon ignores that, and so do these.
    let connections = 0;
    const server = createServer((s) => {
      connections += 1;
      s.on('error', () => {}).once('data', () => behave(s));
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    const args = ['token', '-i', 'eks-a', '--region', 'eu-west-1', '--daemon', 'on'];
    const env = { ...h.env(KEYS), EKS_TOKEN_SOCKET: socket };
    // The entry asks the daemon and hands the miss to the full CLI, which must not ask again; then
    // --debug (which goes straight to the full CLI) says why the daemon was not used.
    for (const [run, extra] of [
      [1, []],
      [2, ['--debug']],
    ] as const) {
      // A plugin that hung on the fake would be killed by the harness and fail on its exit code; how
      // long the plugin may wait is the client's deadline, tested in boundedWaits.test.ts, not a
      // wall-clock bound here (a loaded machine took such a bound past its limit).
      const r = await h.run([...args, ...extra], env);
      assert.equal(r.code, 0, `${name}: ${r.stderr}`);
      assert.equal(connections, run, `${name}: connections to the daemon after run ${run}`);
      if (extra.length) assert.match(r.stderr, /daemon not used \((timeout|bad-reply|closed|error)/, name);
      assert.equal(
        urlOf(tokenOf(r.stdout)).searchParams.get('X-Amz-Credential')?.split('/')[0],
        'AKIDEXAMPLE',
        name,
      );
    }
  });
  try {
    await Promise.all(runs);
  } finally {
    for (const server of servers) server.close();
  }
});

/** A fake daemon that answers every request with `execAnswer`; records the ops. */
async function oneAnswerDaemon(name: string, execAnswer: string) {
  const socket = join(h.dir, name, 'daemon.sock');
  ensureSocketDir(socket);
  const ops: string[] = [];
  const server = createServer((s) => {
    s.on('error', () => {}).once('data', (line: Buffer) => {
      ops.push(String(JSON.parse(line.toString()).op));
      s.end(execAnswer);
    });
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return { ops, env: { ...h.env(KEYS), EKS_TOKEN_SOCKET: socket }, close: () => server.close() };
}

test('a daemon from before `exec` (E_UNKNOWN_OP) is asked once; the plugin mints in-process', async () => {
  const fake = await oneAnswerDaemon(
    'older',
    '{"v":1,"ok":false,"error":{"code":"E_UNKNOWN_OP","message":"bad daemon request: unknown op exec"}}\n',
  );
  try {
    for (const debug of [[], ['--debug']]) {
      fake.ops.length = 0;
      const argv = ['token', '-i', 'eks-a', '--region', 'eu-west-1', '--daemon', 'on', ...debug];
      const r = await h.run(argv, fake.env);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(fake.ops, ['exec']);
      assert.equal(
        urlOf(tokenOf(r.stdout)).searchParams.get('X-Amz-Credential')?.split('/')[0],
        'AKIDEXAMPLE',
      );
    }
  } finally {
    fake.close();
  }
});

test('a daemon that fails (E_CREDENTIAL_CHILD) is asked once; the plugin mints in-process', async () => {
  const fake = await oneAnswerDaemon(
    'failing',
    '{"v":1,"ok":false,"error":{"code":"E_CREDENTIAL_CHILD","message":"the credential fetch ended without an answer"}}\n',
  );
  try {
    const r = await h.run(['token', '-i', 'eks-a', '--region', 'eu-west-1', '--daemon', 'on'], fake.env);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(fake.ops, ['exec']);
    // Minted here with the caller's keys, not the fake daemon's token.
    assert.equal(urlOf(tokenOf(r.stdout)).searchParams.get('X-Amz-Credential')?.split('/')[0], 'AKIDEXAMPLE');
  } finally {
    fake.close();
  }
});

test('the daemon killed with SIGKILL mid-request: the plugin still prints a valid token', async () => {
  const env = h.env({ AWS_PROFILE: 'slow', AWS_REGION: 'eu-west-1' });
  const fetches = async () => {
    const status = await sendControl(h.socket, 'status');
    return status.ok
      ? (status.reply.status as { counters: { credentialFetches: number } }).counters.credentialFetches
      : -1;
  };
  const before = await fetches();
  const plugin = h.run(['token', '-i', 'eks-a', '--daemon', 'on', '--debug'], env);
  // Killed while its credential fetch (a one-second credential_process) is under way.
  await waitFor(async () => (await fetches()) > before, 10_000);
  daemon.child.kill('SIGKILL');
  const r = await plugin;
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /daemon not used \(closed/);
  assert.equal(urlOf(tokenOf(r.stdout)).searchParams.get('X-Amz-Credential')?.split('/')[0], 'AKIDSLOW');
});
