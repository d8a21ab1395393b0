/**
 * A real daemon on a real socket in a private temp dir, and plugin processes run as kubectl runs
 * them (`node dist/bundle/cli.cjs`), with exactly the environment a test gives.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sendControl } from '../../src/protocol/sendControl.js';

/** The CLI bundle that install.sh installs. */
export const CLI_JS = fileURLToPath(new URL('../../bundle/cli.cjs', import.meta.url));

/** The native cache-hit client, built beside the bundle when the build had a C compiler. */
export const NATIVE_HIT = fileURLToPath(new URL('../../native/eks-token-hit', import.meta.url));

/**
 * Which client plugin runs start with: the bundle under Node, or (EKS_TOKEN_TEST_CLIENT=native, set
 * by the suites in test/native/) the native client, which hands everything but a clean hit to it.
 */
export function clientUnderTest(): 'node' | 'native' {
  return process.env.EKS_TOKEN_TEST_CLIENT === 'native' ? 'native' : 'node';
}

/** Test keys in the shape of AWS's documentation examples. */
export const KEYS = {
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};

/** What one process printed and returned. */
export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `node cli.js ...args` (or another script) with exactly `env` (plus PATH) and collects its output. */
export function runNode(
  args: string[],
  env: Record<string, string | undefined>,
  options: {
    timeoutMs?: number;
    nodeArgs?: string[];
    fd3?: (text: string) => void;
    script?: string;
    cwd?: string;
    /** Run as this user (root only). */
    uid?: number;
    gid?: number;
  } = {},
): Promise<RunResult> {
  const started = Date.now();
  // Runs with Node options or another script are about Node itself; the rest start where kubectl's do.
  const plain = !options.nodeArgs?.length && (options.script ?? CLI_JS) === CLI_JS;
  const [command, argv] =
    plain && clientUnderTest() === 'native'
      ? [NATIVE_HIT, [process.execPath, CLI_JS, ...args]]
      : [process.execPath, [...(options.nodeArgs ?? []), options.script ?? CLI_JS, ...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe', options.fd3 ? 'pipe' : 'ignore'],
      timeout: options.timeoutMs ?? 30_000,
      ...(options.cwd ? { cwd: options.cwd } : {}),
      ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid ?? options.uid } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => {
      stdout += d;
    });
    child.stderr?.on('data', (d) => {
      stderr += d;
    });
    (child.stdio[3] as NodeJS.ReadableStream | null)?.on('data', (d) => options.fd3?.(String(d)));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: Date.now() - started }));
  });
}

/** A daemon process started by a test. */
export interface DaemonProcess {
  child: ChildProcess;
  pid: number;
  /** Everything it wrote on stdout and stderr (scanned for secrets). */
  output: () => string;
  stop: () => Promise<void>;
}

/** A private temp dir with a socket path, a HOME, and everything tests produced in it. */
export class DaemonHarness {
  readonly dir = mkdtempSync(join(tmpdir(), 'ekst-'));
  readonly socket = join(this.dir, 'run', 'daemon.sock');
  readonly home = join(this.dir, 'home');
  /** Outputs of every process run through this harness, for the secret scan. */
  readonly outputs: Output[] = [];
  /** Files a test wrote on purpose (AWS fixtures may hold test keys); the secret scan skips them. */
  readonly fixtures = new Set<string>();
  private readonly daemons: DaemonProcess[] = [];

  constructor() {
    mkdirSync(join(this.home, '.aws'), { recursive: true });
  }

  /** A caller environment: this harness's socket and HOME, no instance metadata, plus `extra`. */
  env(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
    return { HOME: this.home, EKS_TOKEN_SOCKET: this.socket, AWS_EC2_METADATA_DISABLED: 'true', ...extra };
  }

  /** Writes a fixture file under HOME (AWS config, credential_process scripts). */
  writeHome(relative: string, text: string, mode = 0o600): string {
    const path = join(this.home, relative);
    writeFileSync(path, text, { mode });
    this.fixtures.add(path);
    return path;
  }

  /** Runs the CLI and records its output. */
  async run(
    args: string[],
    env: Record<string, string | undefined>,
    options: Parameters<typeof runNode>[2] = {},
  ) {
    const result = await runNode(args, env, options);
    this.outputs.push(
      { text: result.stdout, tokenAllowed: true },
      { text: result.stderr, tokenAllowed: false },
    );
    return result;
  }

  /** Starts `daemon run` in the foreground and waits until it answers. */
  async startDaemon(
    args: string[] = [],
    env: Record<string, string | undefined> = this.env(),
  ): Promise<DaemonProcess> {
    const child = spawn(process.execPath, [CLI_JS, 'daemon', 'run', ...args], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (d) => {
      output += d;
    });
    child.stderr?.on('data', (d) => {
      output += d;
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const daemon: DaemonProcess = {
      child,
      pid: child.pid ?? 0,
      output: () => output,
      stop: async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      },
    };
    this.daemons.push(daemon);
    await waitFor(
      async () => (await sendControl(this.socket, 'ping', 500)).ok,
      10_000,
      () => output,
    );
    return daemon;
  }

  /** Stops daemons, proves nothing secret reached a file or an output, removes the dir. */
  async cleanup(secrets: string[] = []): Promise<void> {
    await Promise.all(this.daemons.map((d) => d.stop()));
    await stopDetached(this.socket);
    for (const daemon of this.daemons) this.outputs.push({ text: daemon.output(), tokenAllowed: false });
    try {
      const leaks = findSecrets(this.dir, this.outputs, secrets, this.fixtures);
      if (leaks.length > 0) throw new Error(`secrets found: ${leaks.join(', ')}`);
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

/** Text a process printed; only a token command's stdout may hold a token. */
export interface Output {
  text: string;
  tokenAllowed: boolean;
}

/**
 * Where any of `secrets` or an EKS token appears: in files under `dir` (the fixture files a test
 * wrote on purpose excepted; secrets in the AWS CLI cache, not tokens) or in `outputs` (stdout of token commands is the token's one legal place).
 */
export function findSecrets(
  dir: string,
  outputs: Output[],
  secrets: string[],
  fixtures = new Set<string>(),
): string[] {
  const needles = secrets.filter((s) => s.length >= 8);
  const leaks: string[] = [];
  const visit = (path: string) => {
    const stat = lstatSync(path);
    if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
    else if (stat.isFile() && !fixtures.has(path)) {
      const text = readFileSync(path, 'latin1');
      // Role sessions are where aws itself writes them (README: Security model); tokens never.
      const awsCache = path.includes(`${sep}.aws${sep}cli${sep}cache${sep}`);
      if (text.includes('k8s-aws-v1.') || (!awsCache && needles.some((n) => text.includes(n))))
        leaks.push(path);
    }
  };
  visit(dir);
  outputs.forEach(({ text, tokenAllowed }, i) => {
    if (needles.some((n) => text.includes(n)) || (!tokenAllowed && text.includes('k8s-aws-v1.')))
      leaks.push(`output #${i}`);
  });
  return leaks;
}

/** Stops a daemon that `daemon start` or `--daemon auto` left running on `socket`, by its pid. */
export async function stopDetached(socket: string): Promise<void> {
  const ping = await sendControl(socket, 'ping', 1000);
  if (!ping.ok) return;
  const pid = Number(ping.reply.pid);
  process.kill(pid, 'SIGTERM');
  await waitFor(() => !isAlive(pid), 5000);
}

/** True while a process with this pid runs (a zombie does not: this VM's init never reaps them). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX]/.test(stat);
  } catch {
    return false;
  }
}

/** Pids of `daemon run` processes serving `socket` (read from /proc, Linux only). */
export function daemonPids(socket: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      const environ = readFileSync(`/proc/${name}/environ`, 'utf8').split('\0');
      if (
        cmdline.includes(CLI_JS) &&
        cmdline.includes('run') &&
        environ.includes(`EKS_TOKEN_SOCKET=${socket}`)
      )
        pids.push(Number(name));
    } catch {}
  }
  return pids;
}

/** Polls `check` until it is true, or throws after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, detail = () => '') {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms ${detail()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The token from an ExecCredential on stdout. */
export function tokenOf(stdout: string): string {
  return (JSON.parse(stdout) as { status: { token: string } }).status.token;
}

/** The presigned URL inside a token. */
export function urlOf(token: string): URL {
  return new URL(Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString());
}

/** Secrets the test STS issued (AssumeRole results), for the harness's scan of files and outputs. */
export function issuedSecrets(sts: {
  calls: Array<{ issuedAccessKeyId?: string }>;
  identity(accessKeyId: string): { secretAccessKey: string; sessionToken?: string } | undefined;
}): string[] {
  return sts.calls.flatMap((call) => {
    const issued = call.issuedAccessKeyId ? sts.identity(call.issuedAccessKeyId) : undefined;
    return issued ? [issued.secretAccessKey, issued.sessionToken ?? ''] : [];
  });
}
