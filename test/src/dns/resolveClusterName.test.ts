import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Answer, DecodedPacket } from 'dns-packet';
import fc from 'fast-check';
import { planDnsQueries } from '../../../src/dns/askDnsServers.js';
import { isDnsClusterId, isValidClusterName } from '../../../src/dns/isValidClusterName.js';
import { type ResolveClusterNameOptions, resolveClusterName } from '../../../src/dns/resolveClusterName.js';
import { EksTokenError } from '../../../src/shared/EksTokenError.js';
import { DNSMASQ, type Dnsmasq, hasDnsmasq, startDnsmasq } from '../../helpers/dnsmasq.js';
import {
  chunk255,
  cname,
  type DnsHandler,
  type DnsTestServer,
  reply,
  soa,
  startDnsTestServer,
  txt,
} from '../../helpers/dnsTestServer.js';
import { FakeClock, untilTrue } from '../../helpers/fakeClock.js';

const NAME = 'eks.devinfra.test';
const NOW = 1_700_000_000_000;
const servers: DnsTestServer[] = [];
let tmp = '';

before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'eks-token-resolve-'));
});
after(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await rm(tmp, { recursive: true, force: true });
});

async function serve(handler: DnsHandler): Promise<DnsTestServer> {
  const server = await startDnsTestServer(handler);
  servers.push(server);
  return server;
}

/** A server whose answer section is `answers(query)`, with NOERROR. */
const answering = (answers: (query: DecodedPacket) => Answer[]) =>
  serve((query) => [{ packet: reply(query, { answers: answers(query) }) }]);

// Quick failures: the defaults (1 s per attempt) would slow the suite for nothing.
const options = (
  server: DnsTestServer,
  extra: Partial<ResolveClusterNameOptions> = {},
): ResolveClusterNameOptions => ({
  dnsServers: [server.address],
  resolvConfPath: join(tmp, 'absent-resolv.conf'),
  now: () => NOW,
  timeoutMs: 200,
  attempts: 2,
  ...extra,
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof EksTokenError, String(error));
    assert.ok(/^[\x20-\x7e]*$/.test(error.message), `message not printable ASCII: ${error.message}`);
    return error.code;
  }
  assert.fail('expected an error');
}

describe('names without a dot', () => {
  test('are used as they are with no DNS query', async () => {
    const server = await answering(() => [txt(NAME, 'eks-green')]);
    assert.deepEqual(await resolveClusterName('eks-blue', options(server)), {
      name: 'eks-blue',
      source: 'literal',
    });
    assert.equal(server.queries.length, 0);
  });

  test('property: any id without a dot makes zero queries and comes back unchanged', async () => {
    const server = await answering(() => []);
    await fc.assert(
      fc.asyncProperty(
        fc.string().filter((id) => !id.includes('.')),
        async (id) => {
          assert.deepEqual(await resolveClusterName(id, options(server)), { name: id, source: 'literal' });
        },
      ),
    );
    assert.equal(server.queries.length, 0);
  });

  test('isDnsClusterId is "contains a dot"', () => {
    assert.equal(isDnsClusterId('eks-green'), false);
    assert.equal(isDnsClusterId('eks.devinfra.info'), true);
    assert.equal(isDnsClusterId('trailing.'), true);
  });
});

describe('isValidClusterName', () => {
  test('examples', () => {
    for (const name of ['a', '0', 'eks-green', 'Eks_Blue-2', 'a'.repeat(100)])
      assert.ok(isValidClusterName(name), name);
    for (const name of [
      '',
      '-eks',
      '_eks',
      'eks.green',
      'eks green',
      'a'.repeat(101),
      'eks\n',
      'ékš',
      'eks/green',
    ]) {
      assert.ok(!isValidClusterName(name), JSON.stringify(name));
    }
  });

  test('property: accepts exactly [0-9A-Za-z][A-Za-z0-9_-]{0,99}', () => {
    const first = fc.constantFrom(...'0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ');
    const rest = fc.constantFrom(...'0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-');
    const valid = fc
      .tuple(first, fc.array(rest, { maxLength: 99 }))
      .map(([head, tail]) => head + tail.join(''));
    fc.assert(fc.property(valid, (name) => isValidClusterName(name) && !isDnsClusterId(name)));
    fc.assert(fc.property(valid, rest, (name, extra) => !isValidClusterName(name.padEnd(100, 'x') + extra)));
    fc.assert(
      fc.property(valid, fc.nat(), fc.string({ minLength: 1, maxLength: 1 }), (name, at, char) => {
        fc.pre(!/[A-Za-z0-9_-]/.test(char));
        const index = at % (name.length + 1);
        return !isValidClusterName(name.slice(0, index) + char + name.slice(index));
      }),
    );
  });
});

describe('TXT answers', () => {
  test('resolves the record with its TTL, server and expiry', async () => {
    const server = await answering(() => [txt(NAME, 'eks-green', 60)]);
    const lines: string[] = [];
    const resolved = await resolveClusterName(NAME, options(server, { debug: (line) => lines.push(line) }));
    assert.deepEqual(resolved, {
      name: 'eks-green',
      source: 'txt',
      record: NAME,
      ttlSeconds: 60,
      validUntil: NOW + 60_000,
      server: server.address,
    });
    assert.equal(server.queries.length, 1);
    const debug = lines.join('\n');
    for (const part of [server.address, 'TXT', '"eks-green"', 'ttl 60', 'eks-green'])
      assert.ok(debug.includes(part));
  });

  test('a short TTL still gives 30 s of validity', async () => {
    const server = await answering(() => [txt(NAME, 'eks-green', 0)]);
    const resolved = await resolveClusterName(NAME, options(server));
    assert.equal(resolved.ttlSeconds, 0);
    assert.equal(resolved.validUntil, NOW + 30_000);
  });

  test('an absolute name (trailing dot) and a differently cased answer work', async () => {
    const server = await answering(() => [txt('EKS.DevInfra.TEST', 'eks-green')]);
    const resolved = await resolveClusterName(`${NAME}.`, options(server));
    assert.equal(resolved.name, 'eks-green');
    assert.equal(resolved.record, NAME);
    assert.equal(server.queries[0]?.packet.questions?.[0]?.name, NAME);
  });

  test('character-strings of one record are joined', async () => {
    const server = await answering(() => [txt(NAME, ['eks-', 'gr', 'een'])]);
    assert.equal((await resolveClusterName(NAME, options(server))).name, 'eks-green');
  });

  test('a long value split in 255-byte chunks is joined, then rejected with a truncated quote', async () => {
    const long = `eks-${'g'.repeat(600)}`;
    const server = await answering(() => [txt(NAME, chunk255(long))]);
    const error = await resolveClusterName(NAME, options(server)).catch((e: unknown) => e);
    assert.ok(error instanceof EksTokenError);
    assert.equal(error.code, 'E_BAD_TXT_RECORD');
    assert.ok(error.message.includes('604'), 'the message gives the full length of the joined value');
    assert.ok(error.message.length < 300);
  });

  test('identical duplicate records are fine', async () => {
    const server = await answering(() => [txt(NAME, 'eks-green'), txt(NAME, 'eks-green', 30)]);
    const resolved = await resolveClusterName(NAME, options(server));
    assert.equal(resolved.name, 'eks-green');
    assert.equal(resolved.ttlSeconds, 30);
  });

  test('different values are E_AMBIGUOUS_TXT_RECORD', async () => {
    const server = await answering(() => [txt(NAME, 'eks-green'), txt(NAME, 'eks-blue')]);
    assert.equal(await codeOf(resolveClusterName(NAME, options(server))), 'E_AMBIGUOUS_TXT_RECORD');
  });

  test('invalid values are E_BAD_TXT_RECORD, quoted safely', async () => {
    const bad = [
      '',
      'eks green',
      '-eks',
      'eks.green',
      'ékš',
      '\u001b[31mred\u001b[0m',
      '\u202eeks',
      'x'.repeat(101),
    ];
    for (const value of bad) {
      const server = await answering(() => [txt(NAME, value)]);
      assert.equal(
        await codeOf(resolveClusterName(NAME, options(server))),
        'E_BAD_TXT_RECORD',
        JSON.stringify(value),
      );
    }
    const mixed = await answering(() => [txt(NAME, 'eks-green'), txt(NAME, 'v=spf1 -all')]);
    assert.equal(await codeOf(resolveClusterName(NAME, options(mixed))), 'E_BAD_TXT_RECORD');
  });

  test('property: every valid cluster name published comes back', async () => {
    let value = '';
    const server = await answering(() => [txt(NAME, value)]);
    const name = fc.stringMatching(/^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/);
    await fc.assert(
      fc.asyncProperty(name, async (published) => {
        value = published;
        assert.equal((await resolveClusterName(NAME, options(server))).name, published);
      }),
      { numRuns: 30 },
    );
  });
});

describe('CNAMEs', () => {
  test('are followed inside the answer and the smallest TTL in the chain wins', async () => {
    const server = await answering(() => [
      cname(NAME, 'live.devinfra.test', 300),
      cname('live.devinfra.test', 'green.devinfra.test', 120),
      txt('green.devinfra.test', 'eks-green', 200),
      txt('blue.devinfra.test', 'eks-blue', 5),
    ]);
    const resolved = await resolveClusterName(NAME, options(server));
    assert.equal(resolved.name, 'eks-green');
    assert.equal(resolved.ttlSeconds, 120);
    assert.equal(resolved.validUntil, NOW + 120_000);
  });

  test('a loop or a dangling chain is E_NO_TXT_RECORD', async () => {
    const loop = await answering(() => [cname(NAME, 'a.devinfra.test'), cname('a.devinfra.test', NAME)]);
    assert.equal(await codeOf(resolveClusterName(NAME, options(loop))), 'E_NO_TXT_RECORD');
    const dangling = await answering(() => [
      cname(NAME, 'a.devinfra.test'),
      txt('b.devinfra.test', 'eks-blue'),
    ]);
    assert.equal(await codeOf(resolveClusterName(NAME, options(dangling))), 'E_NO_TXT_RECORD');
  });
});

describe('no record', () => {
  const nxdomain: DnsHandler = (query) => [
    { packet: reply(query, { rcode: 'NXDOMAIN', authorities: [soa('devinfra.test', 300, 120)] }) },
  ];

  test('NXDOMAIN and NOERROR without TXT are E_NO_TXT_RECORD', async () => {
    assert.equal(await codeOf(resolveClusterName(NAME, options(await serve(nxdomain)))), 'E_NO_TXT_RECORD');
    const empty = await answering(() => [{ type: 'A', class: 'IN', name: NAME, ttl: 60, data: '10.0.0.1' }]);
    assert.equal(await codeOf(resolveClusterName(NAME, options(empty))), 'E_NO_TXT_RECORD');
    assert.equal(empty.queries.length, 1, 'a definite answer is not retried');
  });

  test('--txt-fallback=literal uses the input, valid for the negative-caching TTL', async () => {
    const server = await serve(nxdomain);
    const resolved = await resolveClusterName(NAME, options(server, { txtFallback: 'literal' }));
    assert.deepEqual(resolved, {
      name: NAME,
      source: 'fallback',
      record: NAME,
      ttlSeconds: 120,
      validUntil: NOW + 120_000,
      server: server.address,
    });
    const empty = await answering(() => []);
    const fromEmpty = await resolveClusterName(NAME, options(empty, { txtFallback: 'literal' }));
    assert.equal(fromEmpty.source, 'fallback');
    assert.equal(fromEmpty.validUntil, NOW + 30_000);
  });

  test('the fallback does not hide server failures', async () => {
    const server = await serve((query) => [{ packet: reply(query, { rcode: 'SERVFAIL' }) }]);
    assert.equal(
      await codeOf(resolveClusterName(NAME, options(server, { txtFallback: 'literal' }))),
      'E_DNS_FAILED',
    );
  });
});

describe('transport faults', () => {
  test('a wrong ID, a wrong question and a packet from another port are ignored', async () => {
    const server = await serve((query) => [
      { packet: reply(query, { id: ((query.id ?? 0) + 1) % 0x10000, answers: [txt(NAME, 'eks-evil')] }) },
      {
        packet: reply(query, {
          name: 'evil.devinfra.test',
          answers: [txt('evil.devinfra.test', 'eks-evil')],
        }),
      },
      { packet: reply(query, { answers: [txt(NAME, 'eks-evil')] }), fromOtherPort: true },
      { packet: reply(query, { answers: [txt(NAME, 'eks-green')] }), delayMs: 30 },
    ]);
    assert.equal((await resolveClusterName(NAME, options(server))).name, 'eks-green');
  });

  test('a truncated UDP answer is fetched again over TCP', async () => {
    const server = await serve((query, transport) => [
      transport === 'udp'
        ? { packet: reply(query, { truncated: true, answers: [txt(NAME, 'eks-')] }) }
        : { packet: reply(query, { answers: [txt(NAME, ['eks-', 'green'])] }) },
    ]);
    assert.equal((await resolveClusterName(NAME, options(server))).name, 'eks-green');
    assert.deepEqual(
      server.queries.map((query) => query.transport),
      ['udp', 'tcp'],
    );
  });

  for (const rcode of ['SERVFAIL', 'REFUSED'] as const) {
    test(`${rcode} is E_DNS_FAILED naming the server and the record, after every attempt`, async () => {
      const server = await serve((query) => [{ packet: reply(query, { rcode }) }]);
      const error = await resolveClusterName(NAME, options(server, { attempts: 3 })).catch((e: unknown) => e);
      assert.ok(error instanceof EksTokenError);
      assert.equal(error.code, 'E_DNS_FAILED');
      assert.ok(error.message.includes(server.address) && error.message.includes(NAME));
      assert.equal(server.queries.length, 3);
    });
  }

  test('silence is E_DNS_FAILED after attempts x timeout', async () => {
    const server = await serve(() => []);
    const clock = new FakeClock(NOW);
    const error = codeOf(
      resolveClusterName(
        NAME,
        options(server, { timeoutMs: 80, attempts: 2, budgetClock: clock.now, timers: clock.timers }),
      ),
    );
    for (const attempt of [1, 2]) {
      await untilTrue(() => server.queries.length === attempt && clock.armed === 1, `attempt ${attempt}`);
      assert.equal(clock.nextDue(), NOW + 80 * attempt);
      clock.advance(80);
    }
    assert.equal(await error, 'E_DNS_FAILED');
    assert.equal(server.queries.length, 2);
  });

  test('the total budget stops further attempts', async () => {
    const server = await serve(() => []);
    const clock = new FakeClock(NOW);
    const timeouts: number[] = [];
    const debug = (line: string) => {
      const timeout = /^dns: asking .* timeout (\d+) ms\)$/.exec(line)?.[1];
      if (timeout !== undefined) timeouts.push(Number(timeout));
    };
    const error = codeOf(
      resolveClusterName(
        NAME,
        options(server, {
          timeoutMs: 100,
          attempts: 5,
          totalBudgetMs: 150,
          budgetClock: clock.now,
          timers: clock.timers,
          debug,
        }),
      ),
    );
    // Two attempts of the five: 100 ms, then the 50 ms left.
    for (const [attempt, due] of [
      [1, NOW + 100],
      [2, NOW + 150],
    ] as const) {
      await untilTrue(() => server.queries.length === attempt && clock.armed === 1, `attempt ${attempt}`);
      assert.equal(clock.nextDue(), due);
      clock.advance(due - clock.now());
    }
    assert.equal(await error, 'E_DNS_FAILED');
    assert.deepEqual(timeouts, [100, 50]);
    assert.equal(server.queries.length, 2);
  });

  test('the next server answers when the first fails or is unreachable', async () => {
    const failing = await serve((query) => [{ packet: reply(query, { rcode: 'SERVFAIL' }) }]);
    const good = await answering(() => [txt(NAME, 'eks-green')]);
    const closed = await serve(() => []);
    await closed.close();
    const resolved = await resolveClusterName(NAME, {
      ...options(good),
      dnsServers: [closed.address, failing.address, good.address],
    });
    assert.equal(resolved.name, 'eks-green');
    assert.equal(resolved.server, good.address);
    assert.equal(failing.queries.length, 1);
  });
});

describe('servers and resolv.conf', () => {
  test('junk --dns-server is E_BAD_DNS_SERVER before any query', async () => {
    const server = await answering(() => [txt(NAME, 'eks-green')]);
    const error = resolveClusterName(NAME, {
      ...options(server),
      dnsServers: [server.address, 'dns.example.com'],
    });
    assert.equal(await codeOf(error), 'E_BAD_DNS_SERVER');
    assert.equal(server.queries.length, 0);
  });

  test('an id that is not a DNS name is E_BAD_CLUSTER_ID', async () => {
    const server = await answering(() => [txt(NAME, 'eks-green')]);
    for (const id of ['.', 'a..b', 'eks .test', `${'a'.repeat(64)}.test`, 'a.b\u0000.c', 'éks.test']) {
      assert.equal(
        await codeOf(resolveClusterName(id, options(server))),
        'E_BAD_CLUSTER_ID',
        JSON.stringify(id),
      );
    }
    assert.equal(server.queries.length, 0);
  });

  test('resolv.conf attempts apply to explicit servers', async () => {
    const path = join(tmp, 'attempts.conf');
    await writeFile(path, 'nameserver 192.0.2.1\noptions timeout:4 attempts:3\n');
    const server = await serve((query) => [{ packet: reply(query, { rcode: 'SERVFAIL' }) }]);
    const lines: string[] = [];
    const opts = {
      dnsServers: [server.address],
      resolvConfPath: path,
      now: () => NOW,
      debug: (l: string) => lines.push(l),
    };
    assert.equal(await codeOf(resolveClusterName(NAME, opts)), 'E_DNS_FAILED');
    assert.equal(server.queries.length, 3);
    assert.ok(
      lines.some((line) => line.includes('timeout 1000 ms')),
      'timeout:4 is capped at 1 s',
    );
    assert.ok(!lines.some((line) => line.includes('192.0.2.1')));
  });

  test('without --dns-server the resolv.conf nameservers and options make the plan', async () => {
    const path = join(tmp, 'servers.conf');
    await writeFile(
      path,
      'search example.com\nnameserver 127.0.0.3\nnameserver ::1\noptions timeout:2 attempts:1\n',
    );
    assert.deepEqual(await planDnsQueries({ resolvConfPath: path }), {
      servers: [
        { host: '127.0.0.3', port: 53 },
        { host: '::1', port: 53 },
      ],
      timeoutMs: 1000,
      attempts: 1,
      budgetMs: 3000,
    });
    const lines: string[] = [];
    const opts = {
      resolvConfPath: path,
      now: () => NOW,
      totalBudgetMs: 300,
      debug: (l: string) => lines.push(l),
    };
    await resolveClusterName(NAME, opts).catch(() => undefined);
    assert.ok(lines[0]?.startsWith(`dns: asking 127.0.0.3:53 for TXT ${NAME} `), lines[0]);
    assert.ok(!lines.some((line) => line.includes('example.com')), 'no search list');
  });

  test('glibc defaults without resolv.conf options; an unreadable file only matters without --dns-server', async () => {
    const plan = await planDnsQueries({ resolvConfPath: join(tmp, 'nope.conf') });
    assert.deepEqual(plan, {
      servers: [{ host: '127.0.0.1', port: 53 }],
      timeoutMs: 1000,
      attempts: 2,
      budgetMs: 3000,
    });
    const explicit = await planDnsQueries({ resolvConfPath: tmp, dnsServers: ['[::1]:5353'] });
    assert.deepEqual(explicit.servers, [{ host: '::1', port: 5353 }]);
    await assert.rejects(planDnsQueries({ resolvConfPath: tmp }), { code: 'E_DNS_FAILED' });
  });

  test('a missing resolv.conf means 127.0.0.1:53, as for glibc', async () => {
    const lines: string[] = [];
    const opts = { resolvConfPath: join(tmp, 'nope.conf'), now: () => NOW, totalBudgetMs: 200 };
    await resolveClusterName(NAME, { ...opts, debug: (l) => lines.push(l) }).catch(() => undefined);
    assert.ok(lines[0]?.includes('127.0.0.1:53'), lines[0]);
  });
});

describe('real DNS server (dnsmasq)', {
  skip: !hasDnsmasq() && `${DNSMASQ} is missing (apt-get install dnsmasq-base)`,
}, () => {
  let dnsmasq: Dnsmasq | undefined;
  after(async () => {
    await dnsmasq?.stop();
  });

  test('serves the live name, then the other one after a switch', async () => {
    const zone = { localDomains: ['devinfra.test'], ttlSeconds: 45 };
    dnsmasq = await startDnsmasq({
      ...zone,
      txt: { [NAME]: 'eks-green' },
      cnames: { 'api-id.devinfra.test': NAME },
    });
    const opts = { dnsServers: [dnsmasq.address], now: () => NOW, timeoutMs: 500, attempts: 2 };
    assert.deepEqual(await resolveClusterName(NAME, opts), {
      name: 'eks-green',
      source: 'txt',
      record: NAME,
      ttlSeconds: 45,
      validUntil: NOW + 45_000,
      server: dnsmasq.address,
    });
    assert.equal((await resolveClusterName('api-id.devinfra.test', opts)).name, 'eks-green');
    assert.equal(await codeOf(resolveClusterName('missing.devinfra.test', opts)), 'E_NO_TXT_RECORD');

    await dnsmasq.restart({ ...zone, txt: { [NAME]: 'eks-blue' } });
    assert.equal((await resolveClusterName(NAME, opts)).name, 'eks-blue');
    assert.equal((await resolveClusterName('eks-green', opts)).source, 'literal');
  });
});
