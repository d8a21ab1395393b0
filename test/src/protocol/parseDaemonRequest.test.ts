import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { execRequestLine, PROTOCOL_VERSION } from '../../../src/protocol/DaemonRequest.js';
import { forwardedEnv } from '../../../src/protocol/forwardedEnv.js';
import { holdRequestLine } from '../../../src/protocol/holdInDaemon.js';
import { execAnswerLine, parseExecReply } from '../../../src/protocol/parseAnswerLine.js';
import { parseDaemonRequest } from '../../../src/protocol/parseDaemonRequest.js';
import { isEksTokenError } from '../../../src/shared/EksTokenError.js';

const RUNS = 1000;

/** Either a valid request or an E_BAD_REQUEST (E_UNKNOWN_OP) refusal: nothing else may come out of the parser. */
function parsesOrRefuses(line: string): void {
  try {
    parseDaemonRequest(line);
  } catch (error) {
    assert.ok(
      isEksTokenError(error) && (error.code === 'E_BAD_REQUEST' || error.code === 'E_UNKNOWN_OP'),
      String(error),
    );
    assert.doesNotMatch(error.message, /\n/);
  }
}

const text = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !/[\0\r\n]/.test(s));
const argvOf = fc.array(text, { minLength: 1, maxLength: 10 });
const envName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,20}$/);
const envValue = fc.string({ maxLength: 60 }).filter((s) => !s.includes('\0'));
/** Any text and any JSON: what a broken or foreign daemon could answer. */
const anyAnswerLine = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.jsonValue().map((v) => JSON.stringify(v) ?? ''),
);

test('fuzz: arbitrary text never crashes the parser', () => {
  fc.assert(fc.property(fc.string({ maxLength: 300, unit: 'binary' }), parsesOrRefuses), { numRuns: RUNS });
});

test('fuzz: arbitrary JSON values and near-miss requests are parsed or refused, never crash', () => {
  const nearMiss = fc.record({
    v: fc.oneof(fc.constant(PROTOCOL_VERSION), fc.jsonValue()),
    op: fc.oneof(
      fc.constantFrom('exec', 'hold', 'token', 'status', 'flush', 'stop', 'ping', '__proto__'),
      fc.jsonValue(),
    ),
    argv: fc.oneof(argvOf, fc.jsonValue(), fc.dictionary(fc.string(), fc.jsonValue())),
    credentials: fc.jsonValue(),
    env: fc.oneof(
      fc.dictionary(envName, envValue),
      fc.jsonValue(),
      fc.dictionary(fc.string(), fc.jsonValue()),
    ),
  });
  fc.assert(
    fc.property(fc.oneof(fc.jsonValue(), nearMiss), (value) => parsesOrRefuses(JSON.stringify(value) ?? '')),
    { numRuns: RUNS },
  );
});

test('fuzz: every exec request survives the wire, with the variables its command line reads', () => {
  const commandEnv = ['KUBERNETES_EXEC_INFO', 'KUBERNETES_AWS_AUTHENTICATOR_CLUSTER_ID', 'EKS_TOKEN_DAEMON'];
  const arg = fc.string({ maxLength: 30 }).filter((a) => !a.includes('\0'));
  fc.assert(
    fc.property(
      fc.array(arg, { minLength: 1, maxLength: 20 }),
      fc.dictionary(fc.oneof(envName, fc.constantFrom(...commandEnv)), envValue),
      (argv, env) => {
        const parsed = parseDaemonRequest(execRequestLine(argv, env).trimEnd());
        assert.equal(parsed.op, 'exec');
        if (parsed.op !== 'exec') return;
        assert.deepEqual(parsed.argv, argv);
        const expected: Record<string, string> = forwardedEnv(env);
        for (const name of commandEnv) if (env[name] !== undefined) expected[name] = env[name];
        assert.deepEqual({ ...parsed.env }, expected);
      },
    ),
    { numRuns: RUNS },
  );
  const refused = (argv: unknown) =>
    assert.throws(
      () => parseDaemonRequest(JSON.stringify({ v: PROTOCOL_VERSION, op: 'exec', argv, env: {} })),
      (e: Error) => isEksTokenError(e) && /argv is not a short list/.test(e.message),
    );
  for (const argv of [undefined, 'token', [], [7], ['a\0b'], Array(65).fill('-x'), ['x'.repeat(2049)]])
    refused(argv);
});

test('prototype keys, bad variables and unknown operations are refused', () => {
  const line = (env: unknown = {}) =>
    JSON.stringify({ v: PROTOCOL_VERSION, op: 'exec', argv: ['token', '-i', 'a'], env });
  const refused = (l: string, why: RegExp) =>
    assert.throws(
      () => parseDaemonRequest(l),
      (e: Error) => isEksTokenError(e) && why.test(e.message),
    );
  refused('{"v":1,"op":"exec","argv":["token"],"env":{"__proto__":{"x":"1"}}}', /not a string/);
  refused(line({ 'A=B': 'x' }), /variable name/);
  refused(line({ '': 'x' }), /variable name/);
  refused(line({ A: 'x\0y' }), /not a string/);
  // One request form for tokens: the plugin's command line (`exec`).
  assert.throws(
    () => parseDaemonRequest(JSON.stringify({ v: 1, op: 'token', request: { clusterId: 'a' }, env: {} })),
    (e: unknown) => isEksTokenError(e) && e.code === 'E_UNKNOWN_OP',
  );
  refused(JSON.stringify({ v: 2, op: 'ping' }), /protocol version 2 is not 1/);
  refused('[1]', /not a JSON object/);
  // Found by the fuzzer: a version whose toString is not a function must not throw a TypeError.
  refused('{"v":{"toString":[]},"op":{}}', /protocol version object is not 1/);
  const ok = parseDaemonRequest(line({ AWS_PROFILE: 'p' }));
  assert.equal(Object.getPrototypeOf(ok.op === 'exec' ? ok.env : {}), null);
});

test('any variable a process can hold is accepted: exported shell functions, 20 KB values, odd names', () => {
  const env = {
    'BASH_FUNC_which%%': '() {  ( alias;\n eval ${which_declare} ) | /usr/bin/which --read-functions "$@"\n}',
    'BASH_FUNC_module%%': '() {  eval $($LMOD_CMD bash "$@") && eval $(${LMOD_SETTARG_CMD:-:} -s sh)\n}',
    BIG: 'x'.repeat(20 * 1024),
    'dotted.name': 'v',
    '1ST': 'v',
  };
  const parsed = parseDaemonRequest(execRequestLine(['token', '-i', 'a'], env, '/srv/x').trimEnd());
  assert.equal(parsed.op, 'exec');
  if (parsed.op !== 'exec') return;
  assert.deepEqual({ ...parsed.env }, env);
  assert.equal(parsed.cwd, '/srv/x');
  const noCwd = parseDaemonRequest(execRequestLine(['token', '-i', 'a'], env).trimEnd());
  assert.equal(noCwd.op === 'exec' && noCwd.cwd, undefined);
  assert.throws(() => parseDaemonRequest(execRequestLine(['token'], {}, 'relative').trimEnd()), /cwd/);
});

test('fuzz: an exec answer is taken only whole, unexpired and of this protocol version', () => {
  const now = 1_700_000_000_000;
  fc.assert(
    fc.property(anyAnswerLine, (line) => {
      const reply = parseExecReply(line, now);
      if (reply?.ok) assert.ok(reply.stdout.length > 0 && reply.expiresAt > now);
    }),
    { numRuns: RUNS },
  );
  const good = {
    v: 1,
    ok: true,
    expiresAt: now + 1000,
    stdout: '{}\n',
    stderr: 'note\n',
    clusterName: 'c',
    cached: true,
  };
  assert.deepEqual(parseExecReply(JSON.stringify(good), now), good);
  assert.deepEqual(parseExecReply(execAnswerLine({ ...good, cached: false }), now), {
    ...good,
    cached: false,
  });
  // What --debug reads never fails an answer the native client would print.
  const { clusterName: _, cached: __, ...plain } = good;
  assert.deepEqual(parseExecReply(JSON.stringify(plain), now), { ...plain, cached: false });
  assert.deepEqual(parseExecReply(JSON.stringify({ ...good, clusterName: 7, cached: 'yes' }), now), {
    ...plain,
    cached: false,
  });
  for (const bad of [
    { ...good, v: 2 },
    { ...good, expiresAt: now },
    { ...good, expiresAt: '9e15' },
    { ...good, stdout: '' },
    { ...good, stdout: 7 },
    { ...good, stderr: undefined },
    { ...good, ok: 'true' },
  ])
    assert.equal(parseExecReply(JSON.stringify(bad), now), undefined, JSON.stringify(bad));
  const endless = JSON.stringify(good).replace(/"expiresAt":\d+/, '"expiresAt":1e999');
  assert.equal(parseExecReply(endless, now), undefined);
  assert.deepEqual(parseExecReply('{"v":1,"ok":false,"error":{"code":"E_NOT_FOR_DAEMON"}}', now), {
    v: 1,
    ok: false,
    error: { code: 'E_NOT_FOR_DAEMON', message: '' },
  });
});

test('a hold request round-trips; anything but temporary credentials with a time is refused', () => {
  const credentials = {
    accessKeyId: 'ASIAHELDEXAMPLE00001',
    secretAccessKey: 'heldSecretKeyEXAMPLE/K7MDENG+bPxRfiCY',
    sessionToken: 'IQoJheld',
    expiration: 1_800_000_000_000,
  };
  const argv = ['token', '-i', 'eks-blue', '--profile', 'guarded'];
  const parsed = parseDaemonRequest(holdRequestLine(argv, { HOME: '/home/erin' }, credentials));
  assert.deepEqual(
    { ...parsed, env: { ...(parsed as { env: object }).env } },
    {
      v: PROTOCOL_VERSION,
      op: 'hold',
      argv,
      env: { HOME: '/home/erin' },
      credentials,
    },
  );
  const bad = [
    { ...credentials, sessionToken: '' },
    { ...credentials, expiration: '2027-01-15T08:00:00Z' },
    { ...credentials, extra: 'x' },
    { accessKeyId: 'AKIALONGTERM', secretAccessKey: 'x', expiration: 1 },
    'keys',
  ];
  for (const c of bad)
    assert.throws(
      () => parseDaemonRequest(holdRequestLine(argv, {}, c as never)),
      (e: unknown) => isEksTokenError(e) && e.code === 'E_BAD_REQUEST',
      JSON.stringify(c),
    );
});
