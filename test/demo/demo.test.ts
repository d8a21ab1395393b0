import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isAlive } from '../helpers/daemonHarness.js';
import { hasDnsmasq } from '../helpers/dnsmasq.js';
import { hasCommand } from '../helpers/hasCommand.js';
import { hasKubectl } from '../helpers/kubectl.js';

const DEMO = fileURLToPath(new URL('../../demo/demo.js', import.meta.url));
const skip = !hasKubectl
  ? 'kubectl not installed'
  : !hasDnsmasq()
    ? 'dnsmasq not installed (apt-get install dnsmasq-base)'
    : !hasCommand('openssl')
      ? 'openssl not installed'
      : false;

interface DemoRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the compiled demo; `onStdout` may signal it. */
function runDemo(
  env: Record<string, string | undefined> = process.env,
  onStdout?: (all: string, pid: number) => void,
): Promise<DemoRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DEMO], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 200_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      onStdout?.(stdout, child.pid ?? 0);
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** The section of the narrative under the heading that starts with `== N.`. */
function section(stdout: string, n: number): string {
  const start = stdout.indexOf(`== ${n}.`);
  assert.ok(start >= 0, `no section ${n}`);
  const end = stdout.indexOf('\n== ', start + 1);
  return stdout.slice(start, end < 0 ? undefined : end);
}

/** Asserts kubectl was platform@eks-blue before the switch line and platform@eks-green after it. */
function assertSwitch(text: string): void {
  const switchAt = text.indexOf('switch: dnsmasq now serves eks.devinfra.test TXT "eks-green"');
  assert.ok(switchAt >= 0, text);
  const blueAt = text.indexOf('Username              platform@eks-blue');
  const greenAt = text.indexOf('Username              platform@eks-green', switchAt);
  assert.ok(blueAt >= 0 && blueAt < switchAt, text);
  assert.ok(greenAt > switchAt, text);
  assert.equal(text.slice(switchAt).includes('platform@eks-blue'), false, text);
}

/** Tokens, or 40-character base64 strings that look like an AWS secret key. */
function secretsIn(text: string): string[] {
  const tokens = text.match(/k8s-aws-v1\.[A-Za-z0-9_-]{40}/g) ?? [];
  const keys = (text.match(/(?<![A-Za-z0-9/+=])[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])/g) ?? []).filter(
    (s) => [/[A-Z]/, /[a-z]/, /[0-9]/].filter((re) => re.test(s)).length >= 2,
  );
  return [...tokens, ...keys];
}

/** What the demo left behind: its temp dir, its daemon, its dnsmasq port. */
async function assertCleanedUp(stdout: string): Promise<void> {
  const dir = /temp dir\s+(\S+)/.exec(stdout)?.[1];
  assert.ok(dir, 'the demo names its temp dir');
  assert.equal(existsSync(dir), false, `${dir} left behind`);
  const daemonPid = /daemon started on .* \(pid (\d+)\)/.exec(stdout)?.[1];
  if (daemonPid) assert.equal(isAlive(Number(daemonPid)), false, `daemon ${daemonPid} still runs`);
  const dnsPort = /dnsmasq\s+127\.0\.0\.1:(\d+)/.exec(stdout)?.[1];
  assert.ok(dnsPort, 'the demo names its dnsmasq address');
  // dnsmasq held this UDP port; binding it succeeds only once dnsmasq is gone.
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(Number(dnsPort), '127.0.0.1', resolve);
  }).finally(() => socket.close());
}

describe('npm run demo', { skip, timeout: 420_000 }, () => {
  it('walks kubectl from eks-blue to eks-green without and with the daemon, prints no secret, cleans up', async () => {
    const r = await runDemo();
    assert.equal(r.code, 0, `${r.stderr}\n${r.stdout}`);
    assertSwitch(section(r.stdout, 3));
    assertSwitch(`${section(r.stdout, 4)}${section(r.stdout, 6)}`);
    // With the daemon, the first call once the record's TTL has passed gets the new cluster.
    const withDaemon = section(r.stdout, 6);
    assert.match(withDaemon, /only as long as the record's TTL \(1 s\) allows/);
    assert.match(
      withDaemon,
      /after the switch, the first call\)\n\s+ATTRIBUTE\s+VALUE\n\s+Username\s+platform@eks-green/,
    );
    assert.doesNotMatch(withDaemon, /Unauthorized|must be logged in|error/i);
    assert.match(r.stdout, /command: eks-token/);
    assert.match(r.stdout, /- eks\.devinfra\.test/);
    // The blue/green kubeconfig is the verified one: every candidate's CA, checked against kubernetes.
    assert.match(r.stdout, /certificate-authority-data: <2 CA certificates>/);
    assert.match(r.stdout, /tls-server-name: kubernetes/);
    assert.match(r.stdout, /provideClusterInfo: true/);
    assert.doesNotMatch(r.stdout, /insecure-skip-tls-verify/);
    assert.match(r.stdout, /kubeconfig unchanged/);
    assert.match(r.stdout, /daemon hot\s+\d+ ms/);
    assert.match(r.stdout, /"token":"k8s-aws-v1\.<\d+ chars>"/);
    assert.deepEqual(secretsIn(r.stdout + r.stderr), []);
    assert.doesNotMatch(r.stdout + r.stderr, /secretAccessKey|AWS_SECRET_ACCESS_KEY=/i);
    await assertCleanedUp(r.stdout);
  });

  it('Ctrl-C stops it: daemon, dnsmasq and servers stopped, temp dir removed', async () => {
    let sent = false;
    const started = Date.now();
    const r = await runDemo(process.env, (all, pid) => {
      if (!sent && /daemon started on/.test(all)) {
        sent = true;
        process.kill(pid, 'SIGINT');
      }
    });
    assert.ok(sent, r.stdout);
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /interrupted; cleaning up/);
    assert.ok(Date.now() - started < 60_000);
    assert.deepEqual(secretsIn(r.stdout + r.stderr), []);
    await assertCleanedUp(r.stdout);
  });

  it('without kubectl it says how to install it and exits 1', async () => {
    const bin = await mkdtemp(join(tmpdir(), 'eks-token-demo-path-'));
    try {
      await symlink(process.execPath, join(bin, 'node'));
      const r = await runDemo({ PATH: bin, HOME: bin });
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^eks-token demo: kubectl is not on PATH: install it .*\n$/);
    } finally {
      await rm(bin, { recursive: true, force: true });
    }
  });
});
