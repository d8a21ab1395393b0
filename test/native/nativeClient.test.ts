// The native client against the Node client, byte for byte: the same request line to a fake daemon
// on a real Unix socket, the same stdout, stderr and exit code for any answer and any environment.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { ensureSocketDir } from '../../src/protocol/ensureSocketDir.js';
import { TOKEN_OPTIONS } from '../../src/token/parseTokenCommand.js';
import { CLI_JS, NATIVE_HIT } from '../helpers/daemonHarness.js';
import { NATIVE_SKIP } from '../helpers/nativeSuite.js';

const SOURCE = fileURLToPath(new URL('../../../native/eks-token-hit.c', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'eks-token-native-'));
const socket = join(dir, 'run', 'daemon.sock');
const ARGS = ['token', '-i', 'eks-a', '--region', 'eu-west-1', '--daemon', 'on'];
// No credentials anywhere: a call the daemon does not answer ends in the same error for both clients.
const BASE_ENV = {
  PATH: process.env.PATH,
  HOME: join(dir, 'home'),
  AWS_CONFIG_FILE: join(dir, 'none'),
  AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
  AWS_EC2_METADATA_DISABLED: 'true',
  EKS_TOKEN_SOCKET: socket,
};

// What the fake daemon answers next, and the request lines it was sent.
let answer = '';
let requests: string[] = [];
let server: Server;

before(async () => {
  ensureSocketDir(socket);
  server = createServer({ allowHalfOpen: true }, (s) => {
    let text = '';
    s.on('error', () => {});
    s.on('data', (d) => {
      text += d.toString('latin1');
      if (!text.endsWith('\n')) return;
      requests.push(text);
      s.end(Buffer.from(answer, 'latin1'));
    });
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
});
after(() => {
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  requests: string[];
}

/** One plugin call with the given client in front; its output as bytes (latin1 keeps them exact). */
function call(native: boolean, env: Record<string, string | undefined>, args = ARGS): Promise<Outcome> {
  requests = [];
  const [command, argv] = native
    ? [NATIVE_HIT, [process.execPath, CLI_JS, ...args]]
    : [process.execPath, [CLI_JS, ...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code,
        stdout: Buffer.concat(out).toString('latin1'),
        stderr: Buffer.concat(err).toString('latin1'),
        requests,
      }),
    );
  });
}

async function sameForBoth(line: string, env: Record<string, string | undefined>, args = ARGS) {
  answer = line;
  const node = await call(false, env, args);
  const native = await call(true, env, args);
  assert.deepEqual(native, node);
  return native;
}

const FUTURE = Date.now() + 3_600_000;
// Text of every kind: the characters JSON escapes or that need care, and any plane of Unicode.
const char = fc.oneof(
  fc.constantFrom('"', '\\', '\n', '\r', '\t', '\b', '\f', '\0', '\x01', '\x1f', '\x7f', 'é', '\u2028', '😀'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);
const text = fc.string({ unit: char, maxLength: 40 }).filter((s) => !/\p{Cs}/u.test(s));

/** A JSON string with some characters written as \uXXXX escapes (as a daemon could). */
function escapedJson(s: string, every: number): string {
  let out = '"';
  let i = 0;
  for (const unit of JSON.stringify(s).slice(1, -1)) {
    out +=
      every > 0 && i++ % every === 0 && /[A-Za-z]/.test(unit)
        ? `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`
        : unit;
  }
  return `${out}"`;
}

/** Answer lines: good ones written in the ways JSON allows, and ones a client must not print. */
const answerLine = fc
  .record({
    stdout: text,
    stderr: text,
    expiresAt: fc.oneof(
      fc.constant(FUTURE),
      fc.constant(FUTURE),
      fc.constant(FUTURE),
      fc.constant(1),
      fc.constant('9e15'),
      fc.constant('1e400'),
      fc.constant(9e15),
    ),
    v: fc.constantFrom('1', '1', '1', '1.0', '1e0', '10e-1', '2', '"1"'),
    ok: fc.constantFrom('true', 'true', 'true', 'true', 'true', 'false', '"true"', '1'),
    extra: fc.option(fc.jsonValue({ maxDepth: 3 }), { nil: undefined }),
    escapeEvery: fc.nat(4),
    space: fc.constantFrom('', ' ', '\t', '\r'),
    cut: fc.option(fc.nat(200), { nil: undefined, freq: 6 }),
    duplicate: fc.boolean(),
  })
  .map((a) => {
    const expires = typeof a.expiresAt === 'number' ? String(a.expiresAt) : a.expiresAt;
    const fields = [
      `"v":${a.v}`,
      `${escapedJson('ok', a.escapeEvery)}:${a.ok}`,
      `"expiresAt":${expires}`,
      `"stdout":${escapedJson(a.stdout, a.escapeEvery)}`,
      `"stderr":${escapedJson(a.stderr, a.escapeEvery)}`,
    ];
    if (a.extra !== undefined) fields.splice(2, 0, `"extra":${JSON.stringify(a.extra)}`);
    if (a.duplicate) fields.unshift('"stdout":7');
    let line = `{${a.space}${fields.join(`,${a.space}`)}${a.space}}${a.space}`;
    if (a.cut !== undefined) line = line.slice(0, a.cut);
    return `${Buffer.from(line).toString('latin1')}\n`;
  });

test('the native client reads its flag table from TOKEN_OPTIONS', { skip: NATIVE_SKIP }, () => {
  const table = [...readFileSync(SOURCE, 'utf8').matchAll(/^ {4}\{"([\w-]+)", (0|'\w'), '([sb])'\},$/gm)].map(
    (m) => [m[1], m[2] === '0' ? undefined : m[2]?.[1], m[3] === 's' ? 'string' : 'boolean'],
  );
  const expected = Object.entries(TOKEN_OPTIONS).map(([name, o]) => [
    name,
    (o as { short?: string }).short,
    o.type,
  ]);
  assert.deepEqual(table, expected);
});

test('any answer line: both clients send the same request and print the same bytes', {
  skip: NATIVE_SKIP,
}, async () => {
  await fc.assert(
    fc.asyncProperty(answerLine, async (line) => {
      await sameForBoth(line, BASE_ENV);
    }),
    { numRuns: 30 },
  );
});

test('a clean hit is printed by the native client with Node never started', {
  skip: NATIVE_SKIP,
}, async () => {
  // A Node that cannot start: only a native answer gets through.
  const line = `${JSON.stringify({ v: 1, ok: true, expiresAt: FUTURE, stdout: 'out\n', stderr: 'note\n' })}\n`;
  answer = line;
  const r = await new Promise<Outcome>((resolve, reject) => {
    requests = [];
    const child = spawn(NATIVE_HIT, ['/nonexistent/node', CLI_JS, ...ARGS], { env: BASE_ENV });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, requests }));
  });
  assert.deepEqual(
    { code: r.code, stdout: r.stdout, stderr: r.stderr },
    { code: 0, stdout: 'out\n', stderr: 'note\n' },
  );
  assert.equal(r.requests.length, 1);
});

test('any environment and arguments: the same request line and output from both clients', {
  skip: NATIVE_SKIP,
}, async () => {
  const good = `${JSON.stringify({ v: 1, ok: true, expiresAt: FUTURE, stdout: 'token\n', stderr: '' })}\n`;
  const name = fc.oneof(
    fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,12}$/),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }).filter((s) => !/[=\0]|\p{Cs}/u.test(s)),
  );
  const value = text.filter((s) => !s.includes('\0'));
  const flags = fc.subarray([
    ['--cache'],
    ['--profile', 'p'],
    ['--debug'],
    ['--daemon=auto'],
    ['-o', 'json'],
    ['--'],
    ['-x'],
  ]);
  await fc.assert(
    fc.asyncProperty(fc.dictionary(name, value, { maxKeys: 8 }), flags, async (extra, more) => {
      const env = { ...extra, ...BASE_ENV };
      await sameForBoth(good, env, [...ARGS, ...more.flat()]);
    }),
    { numRuns: 30 },
  );
});

test('names JavaScript reads its own way (__proto__, array indexes): the same request from both clients', {
  skip: NATIVE_SKIP,
}, async () => {
  const good = `${JSON.stringify({ v: 1, ok: true, expiresAt: FUTURE, stdout: 'token\n', stderr: '' })}\n`;
  // One at a time: any one of them alone must be read as Node reads it.
  for (const name of ['__proto__', '1', '007', '4294967295']) {
    const odd = JSON.parse(`{${JSON.stringify(name)}:"x"}`) as Record<string, string>;
    const r = await sameForBoth(good, { ...odd, ...BASE_ENV });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.requests.length, 1);
  }
});
