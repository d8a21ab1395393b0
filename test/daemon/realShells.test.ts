import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { DaemonStatus } from '../../src/protocol/controlReplyParser.js';
import { sendControl } from '../../src/protocol/sendControl.js';
import { DaemonHarness, issuedSecrets, KEYS, tokenOf, urlOf } from '../helpers/daemonHarness.js';
import { baseEnvironment, HELPER_INPUTS, SHELLS } from '../helpers/shellEnvironments.js';
import { fakeWebIdentityToken, type StsTestServer, startStsTestServer } from '../helpers/stsTestServer.js';

// The shells of the corpus, one after another, against one daemon and the loopback STS: per kind of
// credential source, one cache entry and one credential fetch for all of them.
const ACCOUNT = '444455556666';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/eks-admin`;
const WEB_ROLE = `arn:aws:iam::${ACCOUNT}:role/ci-runner`;
const HELPER_SECRET = 'helperSecretEXAMPLEhelperSecretEXAMPLEhelp';

let h: DaemonHarness;
let sts: StsTestServer;
const secrets: string[] = [HELPER_SECRET];

before(async () => {
  h = new DaemonHarness();
  sts = await startStsTestServer();
  const dev = sts.addUser(ACCOUNT, 'dev');
  sts.addRole({ roleArn: ROLE, trustedPrincipals: [dev.arn] });
  const jwt = fakeWebIdentityToken({ sub: 'system:serviceaccount:ci:runner' });
  sts.addRole({ roleArn: WEB_ROLE, webIdentityTokens: [jwt] });
  secrets.push(dev.secretAccessKey);
  h.writeHome('web-identity-token', jwt);
  // A helper whose answer depends on its working directory and on $TERMINAL_ACCOUNT; runs counted.
  const helper = join(h.dir, 'creds-helper');
  writeFileSync(
    helper,
    [
      '#!/bin/sh',
      `echo run >> ${h.dir}/runs`,
      "id=$(echo \"$(basename \"$(pwd -P)\")${TERMINAL_ACCOUNT:-x}${DIRENV_DIR:-}${PATH%%:*}\" | tr -dc 'a-z' | tr 'a-z' 'A-Z' | cut -c1-40)",
      `echo "{\\"Version\\":1,\\"AccessKeyId\\":\\"AKID$id\\",\\"SecretAccessKey\\":\\"${HELPER_SECRET}\\"}"`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  h.fixtures.add(helper);
  h.writeHome(
    '.aws/credentials',
    `[dev]\naws_access_key_id = ${dev.accessKeyId}\naws_secret_access_key = ${dev.secretAccessKey}\n`,
  );
  h.writeHome(
    '.aws/config',
    [
      '[profile dev]\nregion = eu-central-1',
      `[profile admin]\nrole_arn = ${ROLE}\nsource_profile = dev\nregion = eu-central-1`,
      `[profile helper]\ncredential_process = ${helper}\nregion = eu-central-1`,
      '',
    ].join('\n'),
  );
  for (const dir of ['alpha', 'beta']) mkdirSync(join(h.dir, dir));
  await h.startDaemon();
});

after(async () => {
  secrets.push(...issuedSecrets(sts));
  await sts.close();
  await h.cleanup(secrets);
});

async function status(): Promise<DaemonStatus> {
  const outcome = await sendControl(h.socket, 'status');
  assert.ok(outcome.ok, JSON.stringify(outcome));
  return outcome.reply.status;
}

/** A plain kubectl-style call (the hot path) from a shell: its token's access key id. */
async function callFrom(shellEnv: Record<string, string>, aws: Record<string, string>, cwd = h.home) {
  const env = { ...baseEnvironment(h.home), ...shellEnv, ...aws, EKS_TOKEN_SOCKET: h.socket };
  const r = await h.run(['token', '-i', 'eks-a', '--daemon', 'on'], env, { cwd });
  assert.equal(r.code, 0, r.stderr);
  return urlOf(tokenOf(r.stdout)).searchParams.get('X-Amz-Credential')?.split('/')[0];
}

const SOURCES: Array<{ kind: string; aws: () => Record<string, string>; stsAction?: string }> = [
  {
    kind: 'a role profile over keys in the files',
    aws: () => ({ AWS_PROFILE: 'admin' }),
    stsAction: 'AssumeRole',
  },
  {
    kind: 'web identity from the environment',
    aws: () => ({ AWS_WEB_IDENTITY_TOKEN_FILE: join(h.home, 'web-identity-token'), AWS_ROLE_ARN: WEB_ROLE }),
    stsAction: 'AssumeRoleWithWebIdentity',
  },
  { kind: 'keys in the credentials file', aws: () => ({ AWS_PROFILE: 'dev' }) },
  { kind: 'keys in the environment', aws: () => ({ ...KEYS }) },
];

describe('shells of one identity share one entry and one fetch', () => {
  for (const source of SOURCES) {
    test(`${source.kind}: ${SHELLS.length} shells, one entry, at most one fetch`, async () => {
      await sendControl(h.socket, 'flush');
      sts.resetCalls();
      const before = await status();
      const aws = { ...source.aws(), AWS_ENDPOINT_URL_STS: sts.url, AWS_EC2_METADATA_DISABLED: 'true' };
      const keys = new Set<string | undefined>();
      for (const shell of SHELLS) keys.add(await callFrom(shell.env, aws));
      assert.equal(keys.size, 1, `one identity: ${[...keys].join(', ')}`);
      const after = await status();
      assert.equal(after.entryCount, 1, 'one cache entry');
      assert.equal(after.counters.misses - before.counters.misses, 1, JSON.stringify(after.unserved));
      assert.equal(after.counters.hits - before.counters.hits, SHELLS.length - 1);
      const fetches = after.counters.credentialFetches - before.counters.credentialFetches;
      assert.equal(fetches, source.kind === 'keys in the environment' ? 0 : 1);
      if (source.stsAction) assert.equal(sts.count(source.stsAction), 1, source.stsAction);
    });
  }
});

describe('a credential_process identity stays apart wherever its helper could see a difference', () => {
  const runs = () => readFileSync(join(h.dir, 'runs'), 'utf8').split('\n').filter(Boolean).length;
  const helperAws = { AWS_PROFILE: 'helper' };
  // Shells that differ only in per-shell noise: terminal, multiplexer, SSH login, IDE, prompt, hyperfine.
  const noiseOnly: Array<Record<string, string>> = [
    { TERM: 'xterm-256color', SHLVL: '1' },
    { TERM: 'tmux-256color', TMUX: '/tmp/tmux-1000/default,2215,0', TMUX_PANE: '%7', TERM_PROGRAM: 'tmux' },
    {
      SSH_AUTH_SOCK: '/tmp/ssh-XX/agent.1',
      SSH_TTY: '/dev/pts/4',
      SSH_CONNECTION: '10.0.4.17 52144 10.0.9.3 22',
    },
    {
      VSCODE_GIT_IPC_HANDLE: '/run/user/1000/vscode-git-1.sock',
      TERM_PROGRAM: 'vscode',
      COLORTERM: 'truecolor',
    },
    { STARSHIP_SESSION_KEY: '7315448120471162', KONSOLE_DBUS_SESSION: '/Sessions/3' },
    { HYPERFINE_RANDOMIZED_ENVIRONMENT_OFFSET: '1187' },
  ];

  test('shells in one directory that differ only in per-shell noise share one helper run', async () => {
    await sendControl(h.socket, 'flush');
    const before = existsRuns() ? runs() : 0;
    const keys = new Set<string | undefined>();
    for (const env of noiseOnly) keys.add(await callFrom(env, helperAws, join(h.dir, 'alpha')));
    assert.deepEqual([...keys], ['AKIDALPHAXUSRLOCALBIN']);
    assert.equal(runs() - before, 1);
  });

  test('another working directory or a variable the helper reads: its own identity, as in-process', async () => {
    const cases: Array<{ name: string; env: Record<string, string>; cwd: string }> = [
      { name: 'another directory', env: {}, cwd: join(h.dir, 'beta') },
      ...HELPER_INPUTS.map((input) => ({ name: input.name, env: input.env, cwd: join(h.dir, 'alpha') })),
    ];
    const seen = new Set(['AKIDALPHAXUSRLOCALBIN']);
    for (const c of cases) {
      const fromDaemon = await callFrom(c.env, helperAws, c.cwd);
      const env = { ...baseEnvironment(h.home), ...c.env, ...helperAws, EKS_TOKEN_SOCKET: h.socket };
      const r = await h.run(['token', '-i', 'eks-a', '--daemon', 'off'], env, { cwd: c.cwd });
      const inProcess = urlOf(tokenOf(r.stdout)).searchParams.get('X-Amz-Credential')?.split('/')[0];
      assert.equal(fromDaemon, inProcess, c.name);
      assert.ok(!seen.has(fromDaemon ?? ''), `${c.name}: ${fromDaemon} is its own identity`);
      seen.add(fromDaemon ?? '');
    }
    const { unserved } = await status();
    assert.deepEqual(unserved, {}, 'every call was served');
  });
});

function existsRuns(): boolean {
  try {
    readFileSync(join(h.dir, 'runs'));
    return true;
  } catch {
    return false;
  }
}

test('exported shell functions, a 20 KB variable and a 1.5 MiB environment are served by the daemon', async () => {
  await sendControl(h.socket, 'flush');
  const aws = { AWS_PROFILE: 'admin', AWS_ENDPOINT_URL_STS: sts.url };
  const huge: Record<string, string> = {};
  // Linux allows 128 KiB per variable and a quarter of the stack limit in all (2 MiB by default).
  for (let i = 0; i < 15; i++) huge[`BLOB_${i}`] = `${i}`.padEnd(100 * 1024, 'z');
  const shells = [
    { 'BASH_FUNC_which%%': '() {  ( alias;\n eval ${which_declare} ) | /usr/bin/which "$@"\n}' },
    { BIG: 'y'.repeat(20 * 1024) },
    huge,
  ];
  const before = await status();
  for (const env of shells) await callFrom(env, aws);
  const after = await status();
  assert.equal(
    after.counters.hits + after.counters.misses - before.counters.hits - before.counters.misses,
    3,
  );
  assert.equal(after.counters.hits - before.counters.hits, 2, JSON.stringify(after.unserved));
  assert.deepEqual(after.unserved, {});
});
