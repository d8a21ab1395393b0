import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { readWrapperScript } from '../../../src/kubeconfig/readWrapperScript.js';
import { eksTokenExec, translateAwsExec } from '../../../src/kubeconfig/translateAwsExec.js';
import { parseTokenArgv } from '../../../src/token/splitCommandLine.js';

const aws = (args: string[], env: Array<{ name: string; value: string }> = []) =>
  translateAwsExec({ command: 'aws', args, env });
const authenticator = (args: string[], env: Array<{ name: string; value: string }> = []) =>
  translateAwsExec({ command: '/usr/local/bin/aws-iam-authenticator', args, env });

test('the args aws eks update-kubeconfig writes, with --role and AWS_PROFILE', () => {
  const args = ['--region', 'eu-west-1', 'eks', 'get-token', '--cluster-name', 'prod', '--output', 'json'];
  assert.deepEqual(
    aws([...args, '--role', 'arn:aws:iam::111122223333:role/r'], [{ name: 'AWS_PROFILE', value: 'dev' }]),
    {
      tool: 'aws',
      clusterId: 'prod',
      region: 'eu-west-1',
      roleArn: 'arn:aws:iam::111122223333:role/r',
      profile: 'dev',
      extraArgs: ['--session-name', 'EKSGetTokenAuth'],
    },
  );
});

test('aws global options anywhere, --flag=value, --profile and AWS_DEFAULT_PROFILE as botocore orders them', () => {
  assert.deepEqual(
    aws(
      [
        'eks',
        '--no-cli-pager',
        'get-token',
        '--cluster-name=prod',
        '--role-arn=arn:aws:iam::111122223333:role/r',
        '--debug',
        '--profile',
        'p',
      ],
      [{ name: 'AWS_DEFAULT_PROFILE', value: 'q' }],
    ),
    {
      tool: 'aws',
      clusterId: 'prod',
      roleArn: 'arn:aws:iam::111122223333:role/r',
      profile: 'p',
      extraArgs: ['--session-name', 'EKSGetTokenAuth'],
    },
  );
  const both = [
    { name: 'AWS_PROFILE', value: 'b' },
    { name: 'AWS_DEFAULT_PROFILE', value: 'a' },
  ];
  assert.equal((aws(['eks', 'get-token', '--cluster-name', 'c'], both) as { profile: string }).profile, 'a');
  // Outposts clusters sign their id.
  assert.equal(
    (aws(['eks', 'get-token', '--cluster-id', 'uuid-1']) as { clusterId: string }).clusterId,
    'uuid-1',
  );
});

test('aws-iam-authenticator token flags, long and short, and its cluster id variable', () => {
  assert.deepEqual(
    authenticator(
      [
        'token',
        '-i',
        'prod',
        '-r',
        'arn:aws:iam::111122223333:role/r',
        '-e',
        'ext',
        '-s',
        'sess',
        '--region',
        'us-west-2',
        '--cache',
      ],
      [{ name: 'AWS_PROFILE', value: 'dev' }],
    ),
    {
      tool: 'aws-iam-authenticator',
      clusterId: 'prod',
      roleArn: 'arn:aws:iam::111122223333:role/r',
      region: 'us-west-2',
      profile: 'dev',
      extraArgs: ['--external-id', 'ext', '--session-name', 'sess'],
    },
  );
  assert.deepEqual(
    authenticator(
      ['token', '--forward-session-name'],
      [{ name: 'KUBERNETES_AWS_AUTHENTICATOR_CLUSTER_ID', value: 'x' }],
    ),
    { tool: 'aws-iam-authenticator', clusterId: 'x', extraArgs: ['--forward-session-name'] },
  );
});

test('other commands are not ours; unknown flags and a missing cluster are refused with the reason', () => {
  assert.equal(aws(['sts', 'get-caller-identity']), undefined);
  assert.equal(aws(['eks', 'describe-cluster', '--name', 'get-token']), undefined);
  assert.equal(authenticator(['verify', '-t', 'x']), undefined);
  assert.equal(translateAwsExec({ command: 'kubelogin', args: ['get-token'], env: [] }), undefined);
  assert.match(
    String(aws(['eks', 'get-token', '--cluster-name', 'c', '--endpoint-url', 'http://x'])),
    /--endpoint-url/,
  );
  assert.match(String(aws(['eks', 'get-token', '--cluster', 'c'])), /--cluster\b/);
  assert.match(String(aws(['eks', 'get-token'])), /no --cluster-name/);
  assert.match(String(authenticator(['token', '-i'])), /-i has no value/);
  assert.match(String(authenticator(['token', '-i', 'c', '--token-only'])), /--token-only/);
});

test('eksTokenExec puts the profile in AWS_PROFILE where it stood and keeps other env entries', () => {
  const identity = { tool: 'aws' as const, clusterId: 'c', profile: 'p', extraArgs: ['-x'] };
  const env = [
    { name: 'A', value: '1' },
    { name: 'AWS_PROFILE', value: 'old' },
    { name: 'B', value: '2' },
  ];
  assert.deepEqual(eksTokenExec(identity, env, ['token', '-i', 'c']), {
    args: ['token', '-i', 'c', '-x'],
    env: [
      { name: 'A', value: '1' },
      { name: 'AWS_PROFILE', value: 'p' },
      { name: 'B', value: '2' },
    ],
  });
  assert.deepEqual(eksTokenExec(identity, [], []).env, [{ name: 'AWS_PROFILE', value: 'p' }]);
});

test('readWrapperScript finds the executable kubectl would run: on PATH, or a path from the kubeconfig directory', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'eks-token-wrapper-'));
  try {
    await mkdir(join(dir, 'a'));
    await mkdir(join(dir, 'b'));
    await writeFile(join(dir, 'a', 'login'), 'not executable\n');
    await writeFile(join(dir, 'b', 'login'), '#!/bin/sh\nexec aws eks get-token "$@"\n', { mode: 0o755 });
    await writeFile(join(dir, 'b', 'big'), `#!/bin/sh\n${'#'.repeat(20_000)}\n`, { mode: 0o755 });
    const path = `${join(dir, 'a')}:${join(dir, 'b')}`;
    const read = (command: string) => readWrapperScript(command, { kubeconfigDir: dir, path });
    const text = '#!/bin/sh\nexec aws eks get-token "$@"\n';
    assert.deepEqual(await read('login'), { text });
    assert.deepEqual(await read('./b/login'), { text });
    assert.deepEqual(await read(join(dir, 'a', 'login')), {
      reason: `no executable ${join(dir, 'a', 'login')}`,
    });
    assert.deepEqual(await read('big'), { reason: `${join(dir, 'b', 'big')} is not a script (over 16 KB)` });
    assert.deepEqual(await read('missing'), {
      reason: 'not found on PATH (run this where kubectl finds it)',
    });
    await writeFile(join(dir, 'b', 'secret'), text, { mode: 0o311 });
    // root reads any file: the unreadable case is checked only as another user.
    if (process.getuid?.() !== 0)
      assert.deepEqual(await read('secret'), { reason: `cannot read ${join(dir, 'b', 'secret')} (EACCES)` });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('property: any order of flags, = or separate values, and harmless aws options give the same identity', () => {
  const word = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/);
  const identity = fc.record(
    {
      clusterId: word,
      region: word,
      roleArn: word.map((w) => `arn:aws:iam::111122223333:role/${w}`),
      profile: word,
    },
    { requiredKeys: ['clusterId'] },
  );
  const harmless = fc.subarray([['--output', 'json'], ['--debug'], ['--no-cli-pager'], ['--color', 'off']]);
  fc.assert(
    fc.property(identity, harmless, fc.boolean(), fc.nat(), (id, extra, inline, seed) => {
      const pair = (flag: string, value: string) => (inline ? [`${flag}=${value}`] : [flag, value]);
      const flags: string[][] = [pair('--cluster-name', id.clusterId), ...extra];
      if (id.region) flags.push(pair('--region', id.region));
      if (id.roleArn) flags.push(pair(seed % 2 ? '--role' : '--role-arn', id.roleArn));
      if (id.profile) flags.push(pair('--profile', id.profile));
      // Options go before, between or after the two command words, as the aws CLI accepts them.
      const at = (i: number) => ((seed >> i) & 3) % 3;
      const slot = (n: number) => flags.filter((_, i) => at(i) === n).flat();
      const args = [...slot(0), 'eks', ...slot(1), 'get-token', ...slot(2)];
      // aws names a role's session EKSGetTokenAuth; the authenticator leaves its own default.
      const session = id.roleArn ? ['--session-name', 'EKSGetTokenAuth'] : [];
      assert.deepEqual(aws(args), { tool: 'aws', extraArgs: session, ...id });
      const authArgs = [['token'], ['-i', id.clusterId], ...(id.region ? [['--region', id.region]] : [])];
      if (id.roleArn) authArgs.push([seed % 2 ? '-r' : '--role', id.roleArn]);
      const { profile: _profile, ...rest } = id;
      assert.deepEqual(authenticator(authArgs.reverse().flat()), {
        tool: 'aws-iam-authenticator',
        extraArgs: [],
        ...rest,
      });
    }),
  );
});

test('what eks-token would reject in the call, or the aws CLI does not accept, is refused with the reason', () => {
  assert.match(String(aws(['eks', 'get-token', '--cluster-name', 'c', '--role', 'arn:r'])), /--role "arn:r"/);
  assert.match(String(aws(['eks', 'get-token', '--cluster-name', 'c', '--output', 'text'])), /--output text/);
  // -i is the authenticator's; the aws CLI would refuse it, so the entry is not working today.
  assert.match(String(aws(['eks', 'get-token', '-i', 'c'])), /-i, which/);
  assert.match(String(authenticator(['token', '-i', 'c', '--profile', 'p'])), /--profile, which/);
  assert.match(String(authenticator(['token', '-i', 'c', '-s', 'ab', '--forward-session-name'])), /exclude/);
});

test('property: translateAwsExec signs as parseTokenArgv reads the same command line', () => {
  const word = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/);
  const arn = word.map((w) => `arn:aws:iam::111122223333:role/${w}`);
  const flag = fc.oneof(
    fc.tuple(fc.constantFrom('--cluster-name', '--cluster-id'), word),
    fc.tuple(fc.constantFrom('--role', '--role-arn'), arn),
    fc.tuple(fc.constant('--region'), word),
    fc.tuple(fc.constant('--profile'), word),
    fc.tuple(fc.constantFrom('--debug', '--no-cli-pager')),
  );
  const authFlag = fc.oneof(
    fc.tuple(fc.constantFrom('-i', '--cluster-id'), word),
    fc.tuple(fc.constantFrom('-r', '--role'), arn),
    fc.tuple(fc.constant('--region'), word),
    fc.tuple(fc.constantFrom('-e', '--external-id'), word),
    fc.tuple(fc.constant('--cache')),
  );
  const same = (translated: unknown, argv: string[]) => {
    const { request } = parseTokenArgv(argv, {});
    const id = translated as { clusterId: string; roleArn?: string; region?: string; profile?: string };
    assert.deepEqual(
      { clusterId: id.clusterId, roleArn: id.roleArn, region: id.region, profile: id.profile },
      {
        clusterId: request.clusterId,
        roleArn: request.roleArn,
        region: request.region,
        profile: request.profile,
      },
    );
  };
  fc.assert(
    fc.property(
      fc.array(flag, { maxLength: 4 }),
      fc.array(flag, { maxLength: 4 }),
      word,
      (before, after, c) => {
        // Global options before `eks get-token`, as kubeconfigs hold them; the cluster always named.
        const argv = [...before.flat(), 'eks', 'get-token', '--cluster-name', c, ...after.flat()];
        same(aws(argv), argv);
      },
    ),
  );
  fc.assert(
    fc.property(fc.array(authFlag, { maxLength: 5 }), word, (flags, c) => {
      const argv = ['token', '-i', c, ...flags.flat()];
      same(authenticator(argv), argv);
    }),
  );
});
