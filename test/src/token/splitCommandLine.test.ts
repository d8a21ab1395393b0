import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { EksTokenError } from '../../../src/shared/EksTokenError.js';
import { parseTokenArgv, splitCommandLine } from '../../../src/token/splitCommandLine.js';

const ROLE = 'arn:aws:iam::111122223333:role/Deploy';
const codeOf = (code: string) => (e: unknown) => e instanceof EksTokenError && e.code === code;

test('the args aws eks update-kubeconfig writes parse as they are', () => {
  const cmd = parseTokenArgv(
    ['--region', 'eu-west-1', 'eks', 'get-token', '--cluster-name', 'my-cluster', '--output', 'json'],
    {},
  );
  assert.deepEqual(cmd.request, { clusterId: 'my-cluster', region: 'eu-west-1' });
  assert.equal(cmd.tokenOnly, false);
  // With a role and a profile, as update-kubeconfig --role-arn --profile writes them.
  const withRole = parseTokenArgv(
    ['--region', 'eu-west-1', 'eks', 'get-token', '--cluster-name', 'c', '--output', 'json', '--role', ROLE],
    {},
  );
  assert.deepEqual(withRole.request, {
    clusterId: 'c',
    region: 'eu-west-1',
    roleArn: ROLE,
    sessionName: 'EKSGetTokenAuth',
  });
});

test('aws-iam-authenticator args parse as they are, --cache included', () => {
  const cmd = parseTokenArgv(
    [
      'token',
      '-i',
      'c',
      '-r',
      ROLE,
      '-e',
      'ext-1',
      '-s',
      'me',
      '--region',
      'eu-west-1',
      '--token-only',
      '--cache',
    ],
    {},
  );
  assert.deepEqual(cmd.request, {
    clusterId: 'c',
    roleArn: ROLE,
    externalId: 'ext-1',
    sessionName: 'me',
    region: 'eu-west-1',
  });
  assert.equal(cmd.tokenOnly, true);
  // The authenticator's cluster flag is global: it may come before the command.
  assert.equal(
    parseTokenArgv(['-i', 'c', 'token', '--forward-session-name', '-r', ROLE], {}).request.forwardSessionName,
    true,
  );
});

test('every AWS CLI global option that cannot change the token is accepted, before or after', () => {
  const globals = [
    ['--debug'],
    ['--no-cli-pager'],
    ['--color', 'off'],
    ['--cli-read-timeout', '5'],
    ['--cli-connect-timeout', '5'],
    ['--endpoint-url', 'https://eks.example'],
    ['--no-verify-ssl'],
    ['--ca-bundle', '/etc/ssl/ca.pem'],
    ['--no-paginate'],
    ['--cli-binary-format', 'raw-in-base64-out'],
    ['--no-cli-auto-prompt'],
    ['--profile', 'dev'],
    ['--output', 'json'],
  ];
  for (const g of globals) {
    for (const argv of [
      [...g, 'eks', 'get-token', '--cluster-name', 'c'],
      ['eks', 'get-token', '--cluster-name', 'c', ...g],
      [...g, 'get-token', '--cluster-name', 'c'],
    ]) {
      assert.equal(parseTokenArgv(argv, {}).request.clusterId, 'c', argv.join(' '));
    }
  }
});

const GLOBAL = fc.constantFrom(
  ['--region', 'eu-west-1'],
  ['--region=us-east-2'],
  ['--profile', 'dev'],
  ['--output', 'json'],
  ['--debug'],
  ['--color', 'on'],
  ['--cli-read-timeout', '9'],
  ['--no-cli-pager'],
);

test('global options mean the same before and after the command', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(GLOBAL, fc.boolean()), { maxLength: 6 }), fc.boolean(), (opts, eks) => {
      const before = opts.filter(([, b]) => b).flatMap(([o]) => o);
      const after = opts.filter(([, b]) => !b).flatMap(([o]) => o);
      const command = eks ? ['eks', 'get-token'] : ['get-token'];
      const moved = parseTokenArgv([...before, ...command, '--cluster-name', 'c', ...after], {});
      const allAfter = parseTokenArgv([...command, '--cluster-name', 'c', ...before, ...after], {});
      assert.deepEqual(moved, allAfter);
    }),
    { numRuns: 500 },
  );
});

test('the command word is found behind options, and eks only for the operations eks-token has', () => {
  assert.deepEqual(splitCommandLine(['--region', 'r', 'eks', 'update-kubeconfig', '--name', 'c']), {
    command: 'update-kubeconfig',
    args: ['--region', 'r', '--name', 'c'],
  });
  assert.deepEqual(splitCommandLine(['eks', 'describe-cluster']), {
    command: 'eks',
    args: ['describe-cluster'],
  });
  assert.deepEqual(splitCommandLine(['--version']), { command: '--version', args: [] });
  assert.deepEqual(splitCommandLine(['--help']), { command: undefined, args: ['--help'] });
  assert.deepEqual(splitCommandLine(['--frobnicate', 'token']), { command: '--frobnicate', args: ['token'] });
  assert.equal(splitCommandLine(['--region']).command, undefined);
});

test('an output kubectl cannot read is one clear error, not ignored', () => {
  for (const argv of [
    ['get-token', '--cluster-name', 'c', '--output', 'yaml'],
    ['eks', 'get-token', '--cluster-name', 'c', '--output', 'text'],
    ['--output', 'table', 'eks', 'get-token', '--cluster-name', 'c'],
    ['token', '-i', 'c', '-o', 'yaml'],
    ['get-token', '--cluster-name', 'c', '--query', 'status.token'],
    ['get-token', '--cluster-name', 'c', '--no-sign-request'],
  ]) {
    assert.throws(() => parseTokenArgv(argv, {}), codeOf('E_UNSUPPORTED_OPTION'), argv.join(' '));
  }
});

test('an unknown option names itself', () => {
  assert.throws(
    () => parseTokenArgv(['eks', 'get-token', '--cluster-name', 'c', '--frobnicate'], {}),
    (e: unknown) => codeOf('E_USAGE')(e) && /--frobnicate/.test((e as Error).message),
  );
});

test('a malformed role ARN or session name is refused before any call', () => {
  for (const arn of ['notanarn', 'arn:aws:iam::1:role/R', 'arn:aws:iam::111122223333:user/R', `${ROLE} `]) {
    assert.throws(() => parseTokenArgv(['token', '-i', 'c', '-r', arn], {}), codeOf('E_BAD_ROLE_ARN'), arn);
    assert.throws(
      () => parseTokenArgv(['get-token', '--cluster-name', 'c', '--role-arn', arn], {}),
      codeOf('E_BAD_ROLE_ARN'),
    );
  }
  for (const ok of [
    ROLE,
    'arn:aws-cn:iam::111122223333:role/path/to/R',
    'arn:aws-us-gov:iam::111122223333:role/a.b@c',
  ]) {
    assert.equal(parseTokenArgv(['token', '-i', 'c', '-r', ok], {}).request.roleArn, ok);
  }
  for (const name of ['a', 'has space', 'x'.repeat(65), 'semi;colon']) {
    assert.throws(
      () => parseTokenArgv(['token', '-i', 'c', '-r', ROLE, '-s', name], {}),
      codeOf('E_BAD_SESSION_NAME'),
      name,
    );
  }
});
