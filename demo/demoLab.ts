/**
 * The demo's loopback world, made of the test peers: a fake STS, two fake EKS API servers (eks-blue and
 * eks-green, each with its own CA, as EKS clusters have) behind one switchable address, a loopback EKS
 * DescribeCluster endpoint, and dnsmasq serving the TXT record.
 * Everything binds to 127.0.0.1, lives in one temp dir, and is undone by cleanup().
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type DescribeClusterServer,
  startDescribeClusterServer,
} from '../test/helpers/describeClusterServer.js';
import { type Dnsmasq, startDnsmasq } from '../test/helpers/dnsmasq.js';
import { type EksApiTestServer, startEksApiTestServer } from '../test/helpers/eksApiTestServer.js';
import { type StsIdentity, type StsTestServer, startStsTestServer } from '../test/helpers/stsTestServer.js';
import { type SwitchProxy, startSwitchProxy } from '../test/helpers/switchProxy.js';
import { generateTestTls } from '../test/helpers/testTls.js';
import { keepSecret, redact, refuseToRun, say, sleep } from './demoRun.js';

/** The TXT record kubectl's kubeconfig names instead of a cluster. */
export const RECORD = 'eks.devinfra.test';
/** TTL dnsmasq gives the record, seconds. */
export const TTL_SECONDS = 1;
export type Color = 'eks-blue' | 'eks-green';

/** Undo steps, run last-in first-out, once, each on its own (one failure does not skip the rest). */
export class Cleanup {
  private readonly steps: Array<{ name: string; undo: () => Promise<unknown> }> = [];
  private running: Promise<void> | undefined;

  /** Registers an undo step; once cleanup has begun, runs it at once instead. */
  add(name: string, undo: () => Promise<unknown>): void {
    if (this.running) void Cleanup.attempt(name, undo);
    else this.steps.push({ name, undo });
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      for (const { name, undo } of this.steps.reverse()) await Cleanup.attempt(name, undo);
    })();
    return this.running;
  }

  private static async attempt(name: string, undo: () => Promise<unknown>): Promise<void> {
    try {
      await undo();
    } catch (error) {
      process.stderr.write(`eks-token demo: cleanup: ${name}: ${(error as Error).message}\n`);
    }
  }
}

/** The running loopback world. */
export interface Lab {
  dir: string;
  home: string;
  sts: StsTestServer;
  user: StsIdentity;
  servers: Record<Color, EksApiTestServer>;
  /** The one address kubectl talks to, standing for api.devinfra.info. */
  api: SwitchProxy;
  dns: Dnsmasq;
  /** EKS DescribeCluster for both clusters (AWS_ENDPOINT_URL_EKS). */
  control: DescribeClusterServer;
  live: Color;
  /** Points the TXT record (dnsmasq restart) and the API address at `color`. */
  switchTo(color: Color): Promise<void>;
}

/** Starts everything, registering each part with `cleanup` as soon as it exists. */
export async function startLab(cleanup: Cleanup): Promise<Lab> {
  const dir = await mkdtemp(join(tmpdir(), 'eks-token-demo-'));
  cleanup.add('temp dir', () => rm(dir, { recursive: true, force: true }));
  const home = join(dir, 'home');
  await mkdir(home, { mode: 0o700 });
  const sts = await startStsTestServer();
  cleanup.add('STS test server', () => sts.close());
  const user = sts.addUser('111122223333', 'platform');
  keepSecret(user.secretAccessKey);
  const control = await startDescribeClusterServer([user]);
  cleanup.add('DescribeCluster server', () => control.close());
  const start = async (clusterName: Color) => {
    // Like an EKS API certificate: the in-cluster names and the cluster's own endpoint, not the shared address.
    const endpoint = `${clusterName.slice(4).toUpperCase()}0123.gr7.eu-west-1.eks.amazonaws.com`;
    const tls = await generateTestTls(['DNS:kubernetes', 'DNS:kubernetes.default', `DNS:${endpoint}`]);
    cleanup.add(`${clusterName} certificates`, () => tls.cleanup());
    const server = await startEksApiTestServer({ clusterName, stsUrl: sts.url, tls });
    cleanup.add(clusterName, () => server.close());
    server.mapUsers.push({ userarn: user.arn, username: `platform@${clusterName}`, groups: ['ops'] });
    control.clusters.set(clusterName, { endpoint: `https://${endpoint}`, caData: server.caData });
    return server;
  };
  const servers = { 'eks-blue': await start('eks-blue'), 'eks-green': await start('eks-green') };
  const api = await startSwitchProxy(servers['eks-blue'].port);
  cleanup.add('API address', () => api.close());
  const dns = await startDnsmasq({ txt: { [RECORD]: 'eks-blue' }, ttlSeconds: TTL_SECONDS });
  cleanup.add('dnsmasq', () => dns.stop());
  const lab: Lab = {
    dir,
    home,
    sts,
    user,
    servers,
    api,
    dns,
    control,
    live: 'eks-blue',
    async switchTo(color) {
      await dns.restart({ txt: { [RECORD]: color }, ttlSeconds: TTL_SECONDS });
      api.switchTo(servers[color].port);
      lab.live = color;
    },
  };
  return lab;
}

/**
 * Runs `body` and then its cleanup, and exits: 0 when it succeeded, 1 when it failed or outlived
 * `watchdogMs`, 128+N on a signal. On a signal or the watchdog nothing new is started, the body is given
 * up to 10 s to fail out (its next command is refused), and then everything is undone.
 */
export async function runWithCleanup(
  body: (cleanup: Cleanup) => Promise<void>,
  watchdogMs: number,
): Promise<never> {
  const started = Date.now();
  const cleanup = new Cleanup();
  let stopping = false;
  const main = body(cleanup);
  const abort = async (why: string, code: number) => {
    if (stopping) return;
    stopping = true;
    refuseToRun();
    setInterval(() => {}, 1000); // keeps the process alive until process.exit below
    process.stderr.write(`\neks-token demo: ${why}; cleaning up\n`);
    await Promise.race([main.catch(() => {}), sleep(10_000)]);
    await cleanup.run();
    process.exit(code);
  };
  process.on('SIGINT', () => void abort('interrupted', 130));
  process.on('SIGTERM', () => void abort('terminated', 143));
  process.on('SIGHUP', () => void abort('hung up', 129));
  const watchdog = setTimeout(() => void abort(`still running after ${watchdogMs / 1000} s`, 1), watchdogMs);
  let code = 0;
  try {
    await main;
  } catch (error) {
    if (!stopping)
      process.stderr.write(`eks-token demo: failed: ${redact(String((error as Error)?.message ?? error))}\n`);
    code = 1;
  }
  if (stopping) return new Promise<never>(() => {}); // abort() exits
  stopping = true;
  clearTimeout(watchdog);
  await cleanup.run();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (code === 0) say('', `done in ${seconds} s; stopped dnsmasq and the test servers, removed the temp dir`);
  else process.stderr.write(`eks-token demo: cleaned up after ${seconds} s\n`);
  process.exit(code);
}
