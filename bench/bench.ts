// The benchmark: `npm run bench`. Interleaved start-up timings against `node -e 0` and
// `aws eks get-token`, daemon load, and 50 simultaneous plugins; writes bench/results/.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execRequestLine } from '../src/protocol/DaemonRequest.js';
import { startStsTestServer } from '../test/helpers/stsTestServer.js';
import { burst } from './concurrency.js';
import {
  answerLine,
  buildSocketLoad,
  type LoadResult,
  loadDaemon,
  medianLoads,
  rssWithKeys,
  startFloorServer,
} from './daemonLoad.js';
import { goPeer, kubectlCases, startApiStandIn } from './kubectlCases.js';
import { startupChartSvg, table } from './report.js';
import { poolStartup, type StartupCase, timeStartup } from './startup.js';
import { median } from './stats.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const FLOOR_CLIENT = fileURLToPath(new URL('./floorClient.cjs', import.meta.url));
const FLOOR_SERVER = fileURLToPath(new URL('./floorServer.cjs', import.meta.url));
const API_STAND_IN = fileURLToPath(new URL('./apiStandIn.js', import.meta.url));
// The launcher users run: install.sh writes it with the bundle's path built in.
const CLI = join(mkdtempSync(join(tmpdir(), 'eks-token-bench-prefix-')), 'bin/eks-token');
const rounds = Number(process.env.BENCH_ROUNDS ?? 15);
// Start-up runs in blocks of `rounds`; a ratio per block shows how much the machine moved meanwhile.
const blocks = Number(process.env.BENCH_BLOCKS ?? 3);
const dir = mkdtempSync(join(tmpdir(), 'eks-token-bench-'));
const caFile = process.env.NODE_EXTRA_CA_CERTS || '/etc/ssl/certs/ca-certificates.crt';
const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
const hasAws = has('aws');
const hasKubectl = has('kubectl');
const keys = {
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const base = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: dir,
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_CONFIG_FILE: join(dir, 'config'),
  AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
  EKS_TOKEN_SOCKET: join(dir, 'sock', 'daemon.sock'),
};
const tokenArgs = ['token', '-i', 'eks-bench', '--region', 'eu-west-1'];
const out: string[] = [];
const say = (line: string) => {
  out.push(line);
  console.log(line);
};

function cli(args: string[], env: Record<string, string | undefined>): string {
  return execFileSync(CLI, args, { env, encoding: 'utf8' });
}

try {
  execFileSync(join(root, 'install.sh'), ['--skip-build', '--prefix', join(CLI, '../..')], {
    stdio: 'ignore',
  });
  const env = { ...base, ...keys };
  cli(['daemon', 'start'], env);
  cli(tokenArgs, { ...env, EKS_TOKEN_DAEMON: 'on' });
  const requestFile = join(dir, 'request.line');
  // What the plugin sends on a hit; the bare round trip and the load generator send it too.
  const hitLine = execRequestLine(tokenArgs, { ...env, EKS_TOKEN_DAEMON: 'on' });
  writeFileSync(requestFile, hitLine, { mode: 0o600 });
  // BENCH_ONLY=kubectl: only the hit against the Go peer and kubectl, into results/kubectl.md.
  if (process.env.BENCH_ONLY === 'kubectl') {
    say(`# eks-token benchmark: the hit against the Go peer, and kubectl\n\n${machine()}\n`);
    await nativeAndKubectl(env);
    writeFileSync(join(root, 'bench/results/kubectl.md'), `${out.join('\n')}\n`);
  } else {
    const cases: StartupCase[] = [];
    for (const ca of [false, true]) {
      const caEnv = ca ? { NODE_EXTRA_CA_CERTS: caFile } : {};
      const tag = ca ? ' +CA' : '';
      cases.push({ name: `node -e 0${tag}`, command: ['node', '-e', '0'], env: { ...env, ...caEnv } });
      if (!ca)
        cases.push({
          name: 'node: bare socket round trip',
          command: ['node', FLOOR_CLIENT, base.EKS_TOKEN_SOCKET, requestFile],
          env,
        });
      cases.push({
        name: `eks-token hot (daemon hit)${tag}`,
        command: [CLI, ...tokenArgs],
        env: { ...env, ...caEnv, EKS_TOKEN_DAEMON: 'on' },
      });
      cases.push({
        name: `eks-token cold (no daemon)${tag}`,
        command: [CLI, ...tokenArgs],
        env: { ...env, ...caEnv, EKS_TOKEN_DAEMON: 'off' },
      });
      if (hasAws)
        cases.push({
          name: `aws eks get-token${tag}`,
          command: ['aws', 'eks', 'get-token', '--cluster-name', 'eks-bench', '--region', 'eu-west-1'],
          env: { ...env, ...caEnv },
        });
    }
    const perBlock = Array.from({ length: blocks }, () => timeStartup(cases, rounds));
    const results = poolStartup(perBlock);
    const ms = (name: string) => results.find((r) => r.name === name)?.medianMs ?? Number.NaN;
    // The same ratio in each block, to show how far one run of this machine can be trusted.
    const byBlock = (name: string, base: string) =>
      perBlock
        .map((b) => {
          const of = (n: string) => b.find((r) => r.name === n)?.medianMs ?? Number.NaN;
          return (of(name) / of(base)).toFixed(2);
        })
        .join(', ');
    const floor = ms('node -e 0');
    const hot = ms('eks-token hot (daemon hit)');
    const aws = ms('aws eks get-token');
    const cold = ms('eks-token cold (no daemon)');
    say(`# eks-token benchmark\n\n${machine()}; CA file ${caFile}.\n`);
    say('## Start-up (median wall time per call)\n');
    say(
      table(
        ['command', 'median ms', 'x node -e 0', 'x faster than aws eks get-token'],
        results.map((r) => [
          r.name,
          r.medianMs.toFixed(1),
          (r.medianMs / (r.name.endsWith('+CA') ? ms('node -e 0 +CA') : floor)).toFixed(2),
          hasAws
            ? (
                ms(r.name.endsWith('+CA') ? 'aws eks get-token +CA' : 'aws eks get-token') / r.medianMs
              ).toFixed(1)
            : 'n/a',
        ]),
      ),
    );
    say(
      `\nTargets (bench/README.md): hot <= bare round trip + 3 ms: ${(hot - ms('node: bare socket round trip')).toFixed(1)} ms above it; hot +CA vs hot: ${(ms('eks-token hot (daemon hit) +CA') / hot).toFixed(2)}x; cold <= 2.0x node -e 0: ${(cold / floor).toFixed(2)}x; cold >= 12x faster than aws: ${hasAws ? (aws / cold).toFixed(1) : 'n/a'}x.\n`,
    );
    say(
      `Per block (x node -e 0): hot ${byBlock('eks-token hot (daemon hit)', 'node -e 0')}; bare socket round trip ${byBlock('node: bare socket round trip', 'node -e 0')}; cold ${byBlock('eks-token cold (no daemon)', 'node -e 0')}.\n`,
    );
    writeFileSync(
      join(root, 'bench/results/startup.svg'),
      startupChartSvg(results, 'eks-token start-up, median ms (lower is better)'),
    );

    await nativeAndKubectl(env);

    say('## Daemon under load (cache hits, one connection per request as the plugin does)\n');
    const generator = buildSocketLoad(root, dir);
    // The floor: a bare Node server answering with the daemon's own answer line, between the daemon's runs.
    const answerFile = join(dir, 'answer.line');
    writeFileSync(answerFile, await answerLine(base.EKS_TOKEN_SOCKET, hitLine), { mode: 0o600 });
    const floorSocket = join(dir, 'floor.sock');
    const floorServer = await startFloorServer(FLOOR_SERVER, floorSocket, answerFile);
    try {
      const load = (socketPath: string, clients: number, ratePerSecond: number, durationMs: number) => () =>
        loadDaemon(generator, socketPath, hitLine, { clients, ratePerSecond, durationMs });
      // Warmed up first, unreported, as the daemon is by the rows before its first row with a floor:
      // a fresh Node server's first second under load (JIT, heap growth) is much slower.
      load(floorSocket, 16, 0, 1000)();
      const closed = [1, 16, 64, 256].map((clients) => {
        const [daemon, floor] = medianLoads(
          [
            load(base.EKS_TOKEN_SOCKET, clients, 0, 2000),
            ...(clients === 64 ? [load(floorSocket, clients, 0, 2000)] : []),
          ],
          3,
          false,
        );
        if (!daemon) throw new Error('medianLoads returned fewer loads than it was given');
        return { daemon, floor };
      });
      say('Each row is the middle of 3 runs.\n');
      say(
        "Bare Node server: the reference row (bench/floorServer.cts), the least a Node server does to answer, with the daemon's Node flags: read to the newline, write the daemon's answer line (captured once), close. Its runs alternate with the daemon's.\n",
      );
      say(
        'Closed loop: each client sends its next request as soon as it has its answer (the most it can do).\n',
      );
      const row = (name: string | number, l: LoadResult) => [
        name,
        l.requests,
        l.perSecond.toFixed(0),
        l.p50Ms.toFixed(2),
        l.p99Ms.toFixed(2),
      ];
      say(
        table(
          ['clients', 'requests', 'requests/s', 'p50 ms', 'p99 ms'],
          closed.flatMap(({ daemon, floor }) => [
            row(daemon.middle.clients, daemon.middle),
            ...(floor ? [row(`${floor.middle.clients}, bare Node server`, floor.middle)] : []),
          ]),
        ),
      );
      say(
        '\nOpen loop: 64 clients sending a fixed total rate, latency timed from when each request was due.\n',
      );
      const rates = [1000, 5000];
      const open = rates.map((ratePerSecond) => {
        const [daemon, floor] = medianLoads(
          [load(base.EKS_TOKEN_SOCKET, 64, ratePerSecond, 3000), load(floorSocket, 64, ratePerSecond, 3000)],
          3,
          true,
        );
        if (!daemon || !floor) throw new Error('medianLoads returned fewer loads than it was given');
        return { ratePerSecond, daemon, floor };
      });
      say(
        table(
          [
            'offered requests/s',
            'answered requests/s',
            'p50 ms',
            'p99 ms',
            'bare Node server p50 ms',
            'bare Node server p99 ms',
          ],
          open.map(({ ratePerSecond, daemon, floor }) => [
            ratePerSecond,
            daemon.middle.perSecond.toFixed(0),
            daemon.middle.p50Ms.toFixed(2),
            daemon.middle.p99Ms.toFixed(2),
            floor.middle.p50Ms.toFixed(2),
            floor.middle.p99Ms.toFixed(2),
          ]),
        ),
      );
      const p99s = (runs: LoadResult[]) => runs.map((r) => r.p99Ms.toFixed(2)).join(', ');
      say('\np99 of each run, in the order they ran, ms:\n');
      for (const { ratePerSecond, daemon, floor } of open)
        say(
          `- ${ratePerSecond} requests/s: daemon ${p99s(daemon.runs)}; bare Node server ${p99s(floor.runs)}`,
        );
      const at5000 = open.find((o) => o.ratePerSecond === 5000);
      say(
        `\nTargets (bench/README.md): daemon p99 at 5,000 requests/s <= 1.5x the bare Node server's: ${at5000?.daemon.middle.p99Ms.toFixed(2) ?? 'n/a'} / ${at5000?.floor.middle.p99Ms.toFixed(2) ?? 'n/a'} ms = ${at5000 ? (at5000.daemon.middle.p99Ms / at5000.floor.middle.p99Ms).toFixed(2) : 'n/a'}x.`,
      );
    } finally {
      floorServer.kill();
    }
    const pid = JSON.parse(cli(['daemon', 'status', '--json'], env)).pid as number;
    const rss = await rssWithKeys(base.EKS_TOKEN_SOCKET, pid, env, 1000);
    say(`\nDaemon RSS with 1,000 cached keys: ${rss.toFixed(1)} MB.\n`);

    say('## 50 simultaneous plugins, assume-role profile, loopback STS\n');
    const sts = await startStsTestServer();
    const user = sts.addUser('111122223333', 'bench');
    const roleArn = 'arn:aws:iam::111122223333:role/Bench';
    sts.addRole({ roleArn, trustedPrincipals: [user.arn] });
    writeFileSync(
      base.AWS_SHARED_CREDENTIALS_FILE,
      `[base]\naws_access_key_id = ${user.accessKeyId}\naws_secret_access_key = ${user.secretAccessKey}\n`,
    );
    writeFileSync(
      base.AWS_CONFIG_FILE,
      `[profile deploy]\nrole_arn = ${roleArn}\nsource_profile = base\nregion = eu-west-1\n`,
    );
    const roleEnv = { ...base, AWS_PROFILE: 'deploy', AWS_ENDPOINT_URL_STS: sts.url };
    const rows = [];
    for (const mode of ['off', 'on'] as const) {
      if (mode === 'on') cli(['daemon', 'flush'], base);
      const before = sts.count('AssumeRole');
      const wall = await burst([CLI, 'token', '-i', 'eks-bench'], { ...roleEnv, EKS_TOKEN_DAEMON: mode }, 50);
      rows.push([mode === 'on' ? 'with daemon' : 'without daemon', wall, sts.count('AssumeRole') - before]);
    }
    await sts.close();
    say(table(['plugins', 'wall ms', 'AssumeRole calls'], rows));
    writeFileSync(
      join(root, 'bench/results/results.md'),
      `${out.join('\n')}\n\n![start-up chart](startup.svg)\n`,
    );
  }
} finally {
  spawnSync(CLI, ['daemon', 'stop'], { env: base, stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
  rmSync(join(CLI, '../..'), { recursive: true, force: true });
}

function machine(): string {
  return `Machine: ${cpus()[0]?.model ?? 'unknown'} x${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; ${blocks} blocks of ${rounds} interleaved rounds`;
}

/**
 * The native client's hit against the Go peer's per-call cost, and kubectl end to end: interleaved
 * in blocks like the start-up rows, with the targets against the floors of this same run.
 */
async function nativeAndKubectl(env: Record<string, string | undefined>): Promise<void> {
  say('## A cache hit against the Go peer, and kubectl end to end\n');
  const native = spawnSync('sh', ['-c', `grep -q "^hit='" ${CLI}`]).status === 0;
  const hitEnv = { ...env, EKS_TOKEN_DAEMON: 'on' };
  const cases: StartupCase[] = [
    { name: 'eks-token hit', command: [CLI, ...tokenArgs], env: hitEnv },
    {
      name: 'eks-token hit, Node client',
      command: [CLI, ...tokenArgs],
      env: { ...hitEnv, EKS_TOKEN_NATIVE: 'off' },
    },
  ];
  const peer = goPeer(root);
  if ('binary' in peer)
    cases.push({
      name: 'Go peer (aws-iam-authenticator)',
      command: [peer.binary, 'token', 'demo', 'eu-west-1', '--json'],
      env,
    });
  else say(`Go peer skipped: ${peer.skip}.\n`);
  const api = hasKubectl ? await startApiStandIn(API_STAND_IN, 'eks-bench') : undefined;
  if (!api) say('kubectl rows skipped: kubectl not installed.\n');
  try {
    if (api) {
      const kubectlEnv = { ...env, EKS_TOKEN_NATIVE: undefined };
      const rows = kubectlCases(
        { dir, api, cli: CLI, clusterName: 'eks-bench', region: 'eu-west-1', hasAws },
        kubectlEnv,
      );
      cli(tokenArgs, { ...(rows[1]?.env ?? {}), EKS_TOKEN_DAEMON: 'on' });
      cases.push(...rows);
    }
    const perBlock = Array.from({ length: blocks }, () => timeStartup(cases, rounds));
    const results = poolStartup(perBlock);
    const ms = (name: string) => results.find((r) => r.name === name)?.medianMs ?? Number.NaN;
    // Paired: the median of each round's ratio (each case runs once a round), which cancels the
    // machine's drift between rounds; the ratio of the medians beside it.
    const samples = (name: string) => results.find((r) => r.name === name)?.samples ?? [];
    const ratio = (a: string, b: string) => {
      const bs = samples(b);
      const paired = median(samples(a).map((x, i) => x / (bs[i] ?? Number.NaN)));
      return `${paired.toFixed(2)}x paired (${(ms(a) / ms(b)).toFixed(2)}x of medians)`;
    };
    const perBlockRatio = (a: string, b: string) =>
      perBlock
        .map((block) => {
          const of = (n: string) => block.find((r) => r.name === n)?.medianMs ?? Number.NaN;
          return (of(a) / of(b)).toFixed(2);
        })
        .join(', ');
    say(
      `The native client is ${native ? 'built and installed' : 'NOT built (no C compiler): the hit rows are the Node client'}.\n`,
    );
    say(
      table(
        ['command', 'median ms'],
        results.map((r) => [r.name, r.medianMs.toFixed(1)]),
      ),
    );
    const go = 'Go peer (aws-iam-authenticator)';
    const hit = 'kubectl + eks-token hit';
    const stat = 'kubectl + static token';
    say(
      `\nTargets (bench/README.md): hit <= 0.5x the Go peer: ${ratio('eks-token hit', go)}, per block ${perBlockRatio('eks-token hit', go)}; kubectl + hit <= 1.15x kubectl + static token: ${ratio(hit, stat)}, per block ${perBlockRatio(hit, stat)}. Node client's hit: ${ratio('eks-token hit, Node client', go)} the Go peer; kubectl + no daemon: ${ratio('kubectl + eks-token, no daemon', stat)}; kubectl + aws: ${ratio('kubectl + aws eks get-token', stat)}.\n`,
    );
  } finally {
    api?.stop();
  }
}
