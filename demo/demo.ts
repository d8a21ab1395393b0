/**
 * `npm run demo`: eks-token's main job with no AWS account. Starts loopback test peers (STS, two EKS API
 * servers, dnsmasq), writes a temporary kubeconfig with `eks-token kubeconfig`, and walks the real kubectl
 * through a blue/green switch without and with the daemon, with timings. Cleans up on any exit.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { stopDetached } from '../test/helpers/daemonHarness.js';
import { DNSMASQ, hasDnsmasq } from '../test/helpers/dnsmasq.js';
import { hasCommand } from '../test/helpers/hasCommand.js';
import { hasKubectl } from '../test/helpers/kubectl.js';
import { type Cleanup, type Color, RECORD, runWithCleanup, startLab, TTL_SECONDS } from './demoLab.js';
import {
  heading,
  ok,
  type RunResult,
  run,
  say,
  show,
  sleep,
  timeInterleaved,
  whoamiOutput,
  whoamiSays,
} from './demoRun.js';

const root = new URL('../..', import.meta.url);
const BIN_DIR = fileURLToPath(new URL('bin/', root));
const CLI = join(BIN_DIR, 'eks-token');
const BUNDLE = fileURLToPath(new URL('dist/bundle/cli.cjs', root));
const REGION = 'eu-west-1';
const RUNS = 5;
// A bound so a stuck step can never leave the demo (or the test running it) hanging; generous, since a
// loaded machine (CI running tests two at a time) takes several times longer than an idle one.
const WATCHDOG_MS = 180_000;

function preflight(): string | undefined {
  if (!hasDnsmasq())
    return `dnsmasq is not installed (${DNSMASQ}): install it with "sudo apt-get install dnsmasq-base" and run the demo again`;
  if (!hasKubectl)
    return 'kubectl is not on PATH: install it (https://kubernetes.io/docs/tasks/tools/) and run the demo again';
  if (!hasCommand('openssl'))
    return 'openssl is not on PATH: install it with "sudo apt-get install openssl" and run the demo again';
  if (!existsSync(BUNDLE)) return `${BUNDLE} is missing: run "npm run build" first`;
  return undefined;
}

async function demo(cleanup: Cleanup): Promise<void> {
  const lab = await startLab(cleanup);
  const kubeconfig = join(lab.dir, 'kubeconfig');
  const socket = join(lab.dir, 'sock', 'daemon.sock');
  const env = (daemon: 'off' | 'on'): Record<string, string> => ({
    // kubectl finds `command: eks-token` on PATH, as after install.sh.
    PATH: `${BIN_DIR}:${process.env.PATH ?? ''}`,
    HOME: lab.home,
    KUBECONFIG: kubeconfig,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ACCESS_KEY_ID: lab.user.accessKeyId,
    AWS_SECRET_ACCESS_KEY: lab.user.secretAccessKey,
    AWS_ENDPOINT_URL_STS: lab.sts.url,
    AWS_ENDPOINT_URL_EKS: lab.control.url,
    EKS_TOKEN_DNS_SERVER: lab.dns.address,
    EKS_TOKEN_SOCKET: socket,
    EKS_TOKEN_DAEMON: daemon,
  });
  const cli = (args: string[], daemon: 'off' | 'on' = 'off') => run(CLI, args, env(daemon));
  const whoami = (daemon: 'off' | 'on') => run('kubectl', ['auth', 'whoami'], env(daemon));
  const showWhoami = async (daemon: 'off' | 'on', note = '') => {
    say(`  $ kubectl auth whoami${note}`);
    const r = await whoami(daemon);
    show(whoamiOutput(r));
    return r;
  };
  const switchTo = async (color: Color, what = 'switch:') => {
    await lab.switchTo(color);
    say(`  ${what} dnsmasq now serves ${RECORD} TXT "${color}"; the API address now forwards to ${color}`);
  };
  const kubeconfigHash = async () =>
    createHash('sha256')
      .update(await readFile(kubeconfig))
      .digest('hex')
      .slice(0, 16);

  heading('1. A loopback world: no AWS account, nothing leaves 127.0.0.1');
  const { 'eks-blue': blue, 'eks-green': green } = lab.servers;
  say(
    `  temp dir     ${lab.dir}`,
    `  STS          ${lab.sts.url}  test STS; IAM user ${lab.user.arn} (its keys: environment only, never printed)`,
    `  eks-blue     ${blue.url}  test EKS API: checks tokens at that STS, maps the user to platform@eks-blue`,
    `  eks-green    ${green.url}  the same as platform@eks-green; each accepts only tokens for its own name`,
    `  API address  ${lab.api.url}  stands for api.devinfra.info; forwards to eks-blue`,
    '               each API server has its own CA; its certificate names kubernetes and its own endpoint, not this address',
    `  EKS          ${lab.control.url}  test DescribeCluster: endpoint and CA of eks-blue and eks-green`,
    `  dnsmasq      ${lab.dns.address}  ${RECORD} TXT "eks-blue" (TTL ${TTL_SECONDS} s)`,
  );
  say(`  $ eks-token whoami -i ${RECORD} --region ${REGION}`);
  show(ok(await cli(['whoami', '-i', RECORD, '--region', REGION]), 'eks-token whoami').stdout);

  heading('2. A kubeconfig that names the TXT record, not a cluster, with TLS verified');
  const args = ['kubeconfig', '--kubeconfig', kubeconfig, '--name', 'devinfra', '-i', RECORD];
  const more = ['--server', lab.api.url, '--clusters', 'eks-blue,eks-green', '--region', REGION];
  say(`  $ eks-token ${[...args, ...more].join(' ')}`);
  show(ok(await cli([...args, ...more]), 'eks-token kubeconfig').stdout);
  const doc = parse(await readFile(kubeconfig, 'utf8')) as {
    clusters: Array<{ cluster: Record<string, unknown> }>;
    users: unknown[];
  };
  for (const { cluster } of doc.clusters) {
    const pem = Buffer.from(String(cluster['certificate-authority-data']), 'base64').toString();
    cluster['certificate-authority-data'] = `<${pem.split('BEGIN CERTIFICATE').length - 1} CA certificates>`;
  }
  say(
    '  what it wrote: the CAs of both candidates (from DescribeCluster), the name every EKS API certificate',
    '  carries (kubernetes) to check against, the candidates for the plugin; verification stays on:',
  );
  show(stringify({ clusters: doc.clusters, users: doc.users }));
  const written = await kubeconfigHash();

  heading('3. Blue/green without the daemon (EKS_TOKEN_DAEMON=off)');
  expect(await showWhoami('off'), 'eks-blue');
  await switchTo('eks-green');
  say(`  kubeconfig unchanged: sha256 ${written}... as written, ${await kubeconfigHash()}... now`);
  expect(await showWhoami('off'), 'eks-green');
  say(
    '  the very next kubectl reached eks-green: eks-token asked dnsmasq and signed for the name it gives now',
  );

  heading('4. With the daemon (EKS_TOKEN_DAEMON=on)');
  await switchTo('eks-blue', 'back to blue for a second run:');
  say('  $ eks-token daemon start --idle-timeout 2m');
  cleanup.add('daemon', async () => {
    await cli(['daemon', 'stop']);
    await stopDetached(socket);
  });
  show(ok(await cli(['daemon', 'start', '--idle-timeout', '2m']), 'eks-token daemon start').stdout);
  expect(await showWhoami('on'), 'eks-blue');

  heading(`5. Timings against eks-blue: median of ${RUNS} runs, wall clock (min-max)`);
  const token = ['token', '-i', RECORD, '--region', REGION];
  const rows = await timeInterleaved(RUNS, [
    { label: 'kubectl auth whoami, daemon off (eks-token signs in-process)', go: () => whoami('off') },
    { label: 'kubectl auth whoami, daemon on (token from the daemon)', go: () => whoami('on') },
    { label: `eks-token ${token.join(' ')}, cold`, go: () => cli(token, 'off') },
    { label: `eks-token ${token.join(' ')}, daemon hot`, go: () => cli(token, 'on') },
  ]);
  say(...rows);
  say(`  $ eks-token ${token.join(' ')}   (what kubectl reads; the token is shortened here)`);
  show(ok(await cli(token, 'on'), 'eks-token token').stdout);
  say('  $ eks-token daemon status   (never shows a token)');
  show(ok(await cli(['daemon', 'status']), 'eks-token daemon status').stdout);

  heading('6. Blue/green with the daemon');
  await switchTo('eks-green');
  const switched = Date.now();
  say(
    `  the daemon keeps a token for a TXT name only as long as the record's TTL (${TTL_SECONDS} s) allows, then asks`,
    `  dnsmasq again: every kubectl call that starts more than ${TTL_SECONDS} s after the switch gets eks-green (one`,
    '  within that window may still get the eks-blue token; `eks-token daemon flush` right after a switch',
    `  closes it). Waiting ${TTL_SECONDS} s:`,
  );
  await waitUntil(switched + TTL_SECONDS * 1000);
  const seconds = ((Date.now() - switched) / 1000).toFixed(1);
  expect(await showWhoami('on', `   (${seconds} s after the switch, the first call)`), 'eks-green');
  say(`  kubeconfig unchanged: sha256 ${await kubeconfigHash()}...`);
  say('  $ eks-token daemon stop');
  show(ok(await cli(['daemon', 'stop']), 'eks-token daemon stop').stdout);
}

/** Resolves once the wall clock is past `at` (epoch ms). */
async function waitUntil(at: number): Promise<void> {
  while (Date.now() <= at) await sleep(at - Date.now() + 1);
}

function isUser(r: RunResult, color: Color): boolean {
  return r.code === 0 && whoamiSays(r) === `platform@${color}`;
}

function expect(r: RunResult, color: Color): void {
  if (!isUser(r, color)) throw new Error(`expected kubectl to be platform@${color}, got: ${whoamiSays(r)}`);
}

const problem = preflight();
if (problem) {
  process.stderr.write(`eks-token demo: ${problem}\n`);
  process.exit(1);
}
say(
  'eks-token demo: kubectl follows a blue/green switch through a DNS TXT record, without and with the daemon',
);
await runWithCleanup(demo, WATCHDOG_MS);
