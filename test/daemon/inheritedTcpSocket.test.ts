import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CLI_JS, waitFor } from '../helpers/daemonHarness.js';
import { hasCommand } from '../helpers/hasCommand.js';

// The daemon must never serve tokens over TCP, even when a unit file says ListenStream=127.0.0.1:PORT.
const LINE_SERVER = fileURLToPath(new URL('../../daemon/LineServer.js', import.meta.url));
const NO_PYTHON = hasCommand('python3') ? false : 'python3 is needed to hand over a listening socket';
const dir = mkdtempSync(join(tmpdir(), 'eks-token-tcp-fd-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Plays systemd with a TCP unit: listens on 127.0.0.1, prints the port, puts the socket on fd 3,
// sets LISTEN_* for its own pid and execs the command after the script.
const HAND_OVER_TCP = `
import os, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(('127.0.0.1', 0)); s.listen(64)
print(s.getsockname()[1], flush=True)
if s.fileno() != 3: os.dup2(s.fileno(), 3)
os.set_inheritable(3, True)
os.environ['LISTEN_FDS'] = '1'; os.environ['LISTEN_PID'] = str(os.getpid())
os.execv(sys.argv[1], sys.argv[1:])
`;

interface Handed {
  code: number | null;
  stdout: string;
  stderr: string;
  port: number;
}

/** Runs `command` with a listening TCP socket as fd 3; ends it at once if it says it is listening. */
async function runWithTcpSocket(command: string[], listening: RegExp): Promise<Handed> {
  const child = spawn('python3', ['-c', HAND_OVER_TCP, ...command], {
    env: { PATH: process.env.PATH, HOME: dir, EKS_TOKEN_SOCKET: join(dir, 'run', 'daemon.sock') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  let code: number | null | undefined;
  child.once('exit', (exitCode) => {
    code = exitCode;
  });
  try {
    await waitFor(
      () => code !== undefined || listening.test(stdout + stderr),
      15_000,
      () => stdout + stderr,
    );
  } finally {
    if (code === undefined) child.kill('SIGKILL');
  }
  const [port = '', ...rest] = stdout.split('\n');
  return { code: code ?? null, stdout: rest.join('\n'), stderr, port: Number(port) };
}

/** Whether anything accepts a connection on 127.0.0.1:port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

test('daemon run refuses a TCP socket handed over as fd 3: one line, exit 1, nothing served', {
  skip: NO_PYTHON,
}, async () => {
  const r = await runWithTcpSocket([process.execPath, CLI_JS, 'daemon', 'run'], /listening on/);
  assert.doesNotMatch(r.stderr, /listening on/, 'the daemon listened on TCP');
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0] ?? '', /^eks-token: .*ListenStream=/);
  assert.ok(r.port > 0, r.stdout);
  assert.equal(await accepts(r.port), false, 'the TCP socket was closed with the process');
});

test('LineServer.listen on an inherited TCP socket rejects with E_NOT_UNIX_SOCKET', {
  skip: NO_PYTHON,
}, async () => {
  // A separate process: only there is the TCP socket fd 3, as systemd would pass it.
  const script = `
const { LineServer } = await import(process.argv[1]);
const server = new LineServer(() => {});
server.listen({ fd: 3 }).then(
  () => { console.log('listening'); server.close(); },
  (error) => { console.log(JSON.stringify({ name: error.name, code: error.code })); server.close(); },
);`;
  const r = await runWithTcpSocket(
    [process.execPath, '--input-type=module', '-e', script, LINE_SERVER],
    /^listening$/m,
  );
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { name: 'EksTokenError', code: 'E_NOT_UNIX_SOCKET' });
});
