import { type ChildProcess, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dnsPacket from 'dns-packet';

/** Where Debian's dnsmasq-base installs the binary. */
export const DNSMASQ = '/usr/sbin/dnsmasq';

/** True when the real-peer tests can run. */
export function hasDnsmasq(): boolean {
  return existsSync(DNSMASQ);
}

/** What dnsmasq serves: TXT values by name, CNAMEs, and local domains answered NXDOMAIN when unknown. */
export interface DnsmasqRecords {
  txt: Record<string, string>;
  cnames?: Record<string, string>;
  localDomains?: string[];
  ttlSeconds?: number;
}

/** A running dnsmasq on 127.0.0.1; `restart` switches its records on the same port. */
export interface Dnsmasq {
  port: number;
  address: string;
  restart(records: DnsmasqRecords): Promise<void>;
  stop(): Promise<void>;
}

/** Starts dnsmasq on a free loopback high port, ready to answer when the promise resolves. */
export async function startDnsmasq(records: DnsmasqRecords): Promise<Dnsmasq> {
  const dir = await mkdtemp(join(tmpdir(), 'eks-token-dnsmasq-'));
  let child: ChildProcess | undefined;
  let port = 0;
  const launch = async (current: DnsmasqRecords) => {
    const lines = [
      `port=${port}`,
      'listen-address=127.0.0.1',
      'bind-interfaces',
      'no-resolv',
      'no-hosts',
      'keep-in-foreground',
      'log-facility=-',
      `pid-file=${join(dir, 'dnsmasq.pid')}`,
      `local-ttl=${current.ttlSeconds ?? 60}`,
      // dnsmasq drops root privileges to nobody by default, which fails in minimal containers.
      ...(process.getuid?.() === 0 ? ['user=root'] : []),
      ...(current.localDomains ?? []).map((domain) => `local=/${domain}/`),
      ...Object.entries(current.txt).map(([name, value]) => `txt-record=${name},"${value}"`),
      ...Object.entries(current.cnames ?? {}).map(([name, target]) => `cname=${name},${target}`),
    ];
    await writeFile(join(dir, 'dnsmasq.conf'), `${lines.join('\n')}\n`);
    child = spawn(DNSMASQ, [`--conf-file=${join(dir, 'dnsmasq.conf')}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    await waitUntilAnswering(child, port);
  };
  for (let tries = 0; ; tries++) {
    port = await freePort();
    try {
      await launch(records);
      break;
    } catch (error) {
      // Another process may have taken the port between probing and binding it.
      await stopChild(child);
      if (tries >= 4) {
        await rm(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
  return {
    port,
    address: `127.0.0.1:${port}`,
    async restart(next) {
      await stopChild(child);
      await launch(next);
    },
    async stop() {
      await stopChild(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
  await exited;
  clearTimeout(timer);
}

// A port free for both UDP and TCP on loopback at the time of the probe.
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// Polls with a throwaway query; dnsmasq answers anything once its sockets are bound.
async function waitUntilAnswering(child: ChildProcess, port: number): Promise<void> {
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`dnsmasq exited (${child.exitCode ?? child.signalCode}): ${stderr.trim()}`);
    }
    if (await probe(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`dnsmasq did not answer on 127.0.0.1:${port} within 5 s: ${stderr.trim()}`);
}

function probe(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    let finished = false;
    const done = (ok: boolean) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      socket.close();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 100);
    socket.on('error', () => done(false));
    socket.on('message', () => done(true));
    socket.send(
      dnsPacket.encode({ type: 'query', id: 1, questions: [{ type: 'A', name: 'probe.invalid' }] }),
      port,
      '127.0.0.1',
    );
  });
}
