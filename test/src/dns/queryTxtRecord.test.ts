import assert from 'node:assert/strict';
import { after, afterEach, describe, test } from 'node:test';
import { isAnswerTo, queryTxtRecord } from '../../../src/dns/queryTxtRecord.js';
import type { DnsServer } from '../../../src/dns/readResolvConf.js';
import {
  type DnsHandler,
  type DnsTestServer,
  reply,
  startDnsTestServer,
  txt,
} from '../../helpers/dnsTestServer.js';
import { FakeClock, untilTrue } from '../../helpers/fakeClock.js';

const NAME = 'eks.devinfra.test';
const T0 = 1_700_000_000_000;
const servers: DnsTestServer[] = [];

async function serve(handler: DnsHandler): Promise<{ server: DnsTestServer; target: DnsServer }> {
  const server = await startDnsTestServer(handler);
  servers.push(server);
  return { server, target: { host: '127.0.0.1', port: server.port } };
}

function txtValues(packet: { answers?: unknown[] }): string[] {
  return (packet.answers ?? []).map((answer) => {
    const data = (answer as { data: Buffer[] }).data;
    return Buffer.concat(data).toString();
  });
}

// Each test's clock, run out after it so a failed test leaves no query waiting on its socket.
const clocks: FakeClock[] = [];
function fakeClock(): FakeClock {
  const clock = new FakeClock(T0);
  clocks.push(clock);
  return clock;
}

afterEach(() => {
  for (const clock of clocks.splice(0)) clock.advance(60_000);
});
after(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

describe('queryTxtRecord', () => {
  test('returns the UDP answer to its query', async () => {
    const { server, target } = await serve((query) => [
      { packet: reply(query, { answers: [txt(NAME, 'eks-green')] }) },
    ]);
    const response = await queryTxtRecord(NAME, target, 1000);
    assert.equal(response.transport, 'udp');
    assert.deepEqual(txtValues(response.packet), ['eks-green']);
    assert.equal(server.queries.length, 1);
    const question = server.queries[0]?.packet.questions?.[0];
    assert.deepEqual([question?.name, question?.type, question?.class], [NAME, 'TXT', 'IN']);
  });

  test('ignores an answer with the wrong ID and keeps waiting for the right one', async () => {
    const { target } = await serve((query) => [
      { packet: reply(query, { id: ((query.id ?? 0) + 1) % 0x10000, answers: [txt(NAME, 'eks-evil')] }) },
      { packet: reply(query, { answers: [txt(NAME, 'eks-green')] }), delayMs: 20 },
    ]);
    const response = await queryTxtRecord(NAME, target, 1000);
    assert.deepEqual(txtValues(response.packet), ['eks-green']);
  });

  test('ignores answers to another question (name, type) and garbage', async () => {
    const { target } = await serve((query) => [
      { packet: Buffer.from('not dns') },
      {
        packet: reply(query, {
          name: 'other.devinfra.test',
          answers: [txt('other.devinfra.test', 'eks-evil')],
        }),
      },
      { packet: reply(query, { type: 'A', answers: [] }) },
      { packet: reply(query, { name: 'EKS.DevInfra.Test', answers: [txt(NAME, 'eks-green')] }), delayMs: 20 },
    ]);
    const response = await queryTxtRecord(NAME, target, 1000);
    assert.deepEqual(txtValues(response.packet), ['eks-green']);
  });

  test('ignores an answer sent from another port', async () => {
    const { target } = await serve((query) => [
      { packet: reply(query, { answers: [txt(NAME, 'eks-evil')] }), fromOtherPort: true },
      { packet: reply(query, { answers: [txt(NAME, 'eks-green')] }), delayMs: 30 },
    ]);
    const response = await queryTxtRecord(NAME, target, 1000);
    assert.deepEqual(txtValues(response.packet), ['eks-green']);
  });

  test('times out when only an answer from another port arrives', async () => {
    const { server, target } = await serve((query) => [
      { packet: reply(query, { answers: [txt(NAME, 'eks-evil')] }), fromOtherPort: true },
    ]);
    const clock = fakeClock();
    const asked = queryTxtRecord(NAME, target, 150, undefined, clock.timers);
    await untilTrue(() => server.queries.length === 1);
    assert.equal(clock.nextDue(), T0 + 150);
    clock.advance(150);
    await assert.rejects(asked, /no answer within 150 ms/);
  });

  test('asks again over TCP when the UDP answer is truncated', async () => {
    const { server, target } = await serve((query, transport) =>
      transport === 'udp'
        ? [{ packet: reply(query, { truncated: true }) }]
        : [
            {
              packet: reply(query, { id: ((query.id ?? 0) + 7) % 0x10000, answers: [txt(NAME, 'eks-evil')] }),
            },
            { packet: reply(query, { answers: [txt(NAME, 'eks-green')] }) },
          ],
    );
    const lines: string[] = [];
    const response = await queryTxtRecord(NAME, target, 1000, (line) => lines.push(line));
    assert.equal(response.transport, 'tcp');
    assert.deepEqual(txtValues(response.packet), ['eks-green']);
    assert.deepEqual(
      server.queries.map((query) => query.transport),
      ['udp', 'tcp'],
    );
    assert.ok(lines.some((line) => line.includes('truncated')));
  });

  test('rejects when its timer fires with the server silent, and only then', async () => {
    const { server, target } = await serve(() => []);
    const clock = fakeClock();
    let outcome = 'pending';
    const asked = queryTxtRecord(NAME, target, 100, undefined, clock.timers);
    asked.catch(() => {}).finally(() => (outcome = 'settled'));
    await untilTrue(() => server.queries.length === 1);
    assert.equal(clock.nextDue(), T0 + 100);
    clock.advance(99);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(outcome, 'pending');
    clock.advance(1);
    await assert.rejects(asked, /no answer within 100 ms/);
    assert.equal(clock.armed, 0);
  });

  test('rejects when the TCP retry brings no answer in time', async () => {
    const { server, target } = await serve((query, transport) =>
      transport === 'udp' ? [{ packet: reply(query, { truncated: true }) }] : [],
    );
    const clock = fakeClock();
    const asked = queryTxtRecord(NAME, target, 150, undefined, clock.timers);
    await untilTrue(() => server.queries.some((query) => query.transport === 'tcp'));
    // One deadline for both transports: the TCP retry arms no timer of its own.
    assert.deepEqual([clock.armed, clock.nextDue()], [1, T0 + 150]);
    clock.advance(150);
    await assert.rejects(asked, /no answer within 150 ms/);
  });

  test('rejects with no timer fired when nothing listens on the port (ICMP port unreachable)', async () => {
    const { server, target } = await serve(() => []);
    await server.close();
    const clock = fakeClock();
    await assert.rejects(queryTxtRecord(NAME, target, 5000, undefined, clock.timers), {
      code: 'ECONNREFUSED',
    });
    assert.deepEqual([clock.now(), clock.armed], [T0, 0]);
  });

  test('rejects, without crashing or a timer left, for an address the kernel refuses', async () => {
    const clock = fakeClock();
    await assert.rejects(
      queryTxtRecord(NAME, { host: 'fe80::1%nosuchif0', port: 53 }, 5000, undefined, clock.timers),
    );
    assert.deepEqual([clock.now(), clock.armed], [T0, 0]);
  });

  test('uses a fresh random query ID each time', async () => {
    const { server, target } = await serve((query) => [{ packet: reply(query) }]);
    for (let i = 0; i < 16; i++) await queryTxtRecord(NAME, target, 1000);
    const ids = new Set(server.queries.map((query) => query.packet.id));
    assert.ok(ids.size > 8, `only ${ids.size} distinct IDs in 16 queries`);
  });
});

describe('isAnswerTo', () => {
  const base = { type: 'response', id: 42, questions: [{ type: 'TXT', class: 'IN', name: NAME }] } as const;
  const packet = (fields: object) => ({ ...base, ...fields }) as unknown as Parameters<typeof isAnswerTo>[0];

  test('matches ID and question, the name case-insensitively', () => {
    assert.equal(isAnswerTo(packet({}), 42, NAME), true);
    assert.equal(
      isAnswerTo(packet({ questions: [{ type: 'TXT', class: 'IN', name: 'Eks.DEVINFRA.test.' }] }), 42, NAME),
      true,
    );
  });

  test('rejects queries, other IDs, other questions and extra questions', () => {
    assert.equal(isAnswerTo(packet({ type: 'query' }), 42, NAME), false);
    assert.equal(isAnswerTo(packet({ id: 43 }), 42, NAME), false);
    assert.equal(
      isAnswerTo(packet({ questions: [{ type: 'A', class: 'IN', name: NAME }] }), 42, NAME),
      false,
    );
    assert.equal(
      isAnswerTo(packet({ questions: [{ type: 'TXT', class: 'CH', name: NAME }] }), 42, NAME),
      false,
    );
    assert.equal(
      isAnswerTo(packet({ questions: [{ type: 'TXT', class: 'IN', name: 'x.test' }] }), 42, NAME),
      false,
    );
    assert.equal(isAnswerTo(packet({ questions: [...base.questions, ...base.questions] }), 42, NAME), false);
    assert.equal(isAnswerTo(packet({ questions: [] }), 42, NAME), false);
  });
});
