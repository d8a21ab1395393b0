import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { EksTokenError } from '../../../src/shared/EksTokenError.js';
import { parseTokenCommand, scanSimpleFlags, TOKEN_OPTIONS } from '../../../src/token/parseTokenCommand.js';

const NAMES = Object.keys(TOKEN_OPTIONS) as Array<keyof typeof TOKEN_OPTIONS>;
const value = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom('eks-a', 'eu-west-1', 'arn:aws:iam::1:role/R', '127.0.0.1:53', 'a=b', ''),
  },
  { weight: 1, arbitrary: fc.constantFrom('-', '--', '-x', '--region', '-ih') },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
);
// Mostly well-formed flag/value pairs, as kubeconfigs hold, with junk mixed in.
const piece = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(fc.constantFrom(...NAMES), fc.boolean(), fc.boolean(), value)
      .map(([name, short, inline, v]) => {
        const o = TOKEN_OPTIONS[name] as { type: string; short?: string };
        const flag = short && o.short ? `-${o.short}` : `--${name}`;
        if (o.type === 'boolean') return inline ? [`${flag}=${v}`] : [flag];
        return inline ? [`${flag}=${v}`] : [flag, v];
      }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(['--nope'], ['--__proto__', 'x'], ['-iname'], ['literal'], ['--']),
  },
  { weight: 1, arbitrary: value.map((v) => [v]) },
);

test('the fast scanner agrees with node:util parseArgs wherever it answers', () => {
  fc.assert(
    fc.property(
      fc.array(piece, { maxLength: 6 }).map((pieces) => pieces.flat()),
      (args) => {
        const fast = scanSimpleFlags(args, TOKEN_OPTIONS);
        if (fast === undefined) return true;
        const full = parseArgs({
          args,
          options: TOKEN_OPTIONS,
          strict: true,
          allowPositionals: false,
        }).values;
        assert.deepEqual({ ...full }, fast);
        return true;
      },
    ),
    { numRuns: 5000 },
  );
});

test('the scanner answers for what kubeconfigs hold', () => {
  const args = [
    '-i',
    'eks.devinfra.info',
    '--region',
    'eu-west-1',
    '-r',
    'arn:aws:iam::1:role/R',
    '--dns-server=127.0.0.1:53',
    '--daemon',
    'auto',
    '--token-only',
  ];
  assert.deepEqual(scanSimpleFlags(args, TOKEN_OPTIONS), {
    'cluster-id': 'eks.devinfra.info',
    region: 'eu-west-1',
    role: 'arn:aws:iam::1:role/R',
    'dns-server': ['127.0.0.1:53'],
    daemon: 'auto',
    'token-only': true,
  });
});

test('mistakes still get parseArgs errors, as E_USAGE naming the flag', () => {
  for (const args of [['-i'], ['-i', 'a', '--region', '-x'], ['--frobnicate'], ['--debug=yes']]) {
    assert.throws(
      () => parseTokenCommand(args, {}, 'token'),
      (e: unknown) => e instanceof EksTokenError && e.code === 'E_USAGE',
      args.join(' '),
    );
  }
});

test('get-token flags and environment defaults', () => {
  const cmd = parseTokenCommand(
    ['--cluster-name', 'eks-a', '--role-arn', 'arn:aws:iam::111122223333:role/R', '--output', 'json'],
    { EKS_TOKEN_DAEMON: 'on', EKS_TOKEN_DNS_SERVER: '127.0.0.1:5353, 127.0.0.2' },
    'get-token',
  );
  assert.deepEqual(cmd.request, {
    clusterId: 'eks-a',
    roleArn: 'arn:aws:iam::111122223333:role/R',
    // As aws eks get-token names its session.
    sessionName: 'EKSGetTokenAuth',
    dnsServers: ['127.0.0.1:5353', '127.0.0.2'],
  });
  assert.equal(cmd.daemon, 'on');
  assert.equal(
    parseTokenCommand([], { KUBERNETES_AWS_AUTHENTICATOR_CLUSTER_ID: 'eks-b' }, 'token').request.clusterId,
    'eks-b',
  );
});
