import assert from 'node:assert/strict';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DaemonHarness, KEYS } from '../helpers/daemonHarness.js';
import { hasDnsmasq, startDnsmasq } from '../helpers/dnsmasq.js';
import { type DnsTestServer, reply, startDnsTestServer, txt } from '../helpers/dnsTestServer.js';

const FILE_CLOCK = fileURLToPath(new URL('../helpers/fileClock.cjs', import.meta.url));
let h: DaemonHarness;
let dns: DnsTestServer;
let answer: 'prod-blue' | 'prod-green' | 'SERVFAIL' = 'prod-blue';
const ttl = 60;

before(async () => {
  h = new DaemonHarness();
  dns = await startDnsTestServer((query) => {
    const name = query.questions?.[0]?.name ?? '';
    if (answer === 'SERVFAIL') return [{ packet: reply(query, { rcode: 'SERVFAIL' }) }];
    return [{ packet: reply(query, { answers: [txt(name, answer, ttl)] }) }];
  });
  await h.startDaemon();
});
after(async () => {
  await dns.close();
  await h.cleanup([KEYS.AWS_SECRET_ACCESS_KEY]);
});

async function token(region: string, server = dns.address, record = 'api.eks.test', harness = h) {
  const env = harness.env({ ...KEYS, EKS_TOKEN_DNS_SERVER: server });
  const r = await harness.run(['token', '-i', record, '--region', region, '--daemon', 'on', '--debug'], env);
  assert.equal(r.code, 0, r.stderr);
  const expires = Date.parse(JSON.parse(r.stdout).status.expirationTimestamp);
  return { stderr: r.stderr, expiresInMs: expires - Date.now() };
}

test('a TXT name resolves in the daemon; the token lasts no longer than the record', async () => {
  const first = await token('eu-west-1');
  assert.match(first.stderr, /token from the daemon \(minted\) for cluster prod-blue/);
  assert.ok(first.expiresInMs <= 60_000, String(first.expiresInMs));
  assert.match((await token('eu-west-1')).stderr, /\(cached\) for cluster prod-blue/);
});

test('when DNS fails, the last good answer (under an hour old) is used, with a warning', async () => {
  answer = 'SERVFAIL';
  const stale = await token('us-east-2');
  assert.match(stale.stderr, /token from the daemon \(minted\) for cluster prod-blue/);
  assert.match(
    stale.stderr,
    /^eks-token: warning: DNS lookup of TXT record api\.eks\.test failed: .*; using cluster name prod-blue from the last good answer 0 min ago$/m,
  );
  assert.ok(stale.expiresInMs <= 5 * 60_000, String(stale.expiresInMs));
  // The warning comes with every answer made from the remembered name, cached or not.
  const again = await token('us-east-2');
  assert.match(again.stderr, /warning: DNS lookup/);
  assert.match(again.stderr, /\(cached\) for cluster prod-blue/);
  answer = 'prod-green';
  assert.match((await token('ap-south-1')).stderr, /for cluster prod-green/);
});

test('dnsmasq switches the record: the first call once its TTL has passed gets the new cluster', {
  skip: hasDnsmasq() ? false : 'dnsmasq not installed (apt-get install dnsmasq-base)',
}, async () => {
  const record = 'eks.devinfra.test';
  // A daemon of its own whose Date.now (what its TTLs count with) moves only when this test moves it.
  const timed = new DaemonHarness();
  const clockFile = join(timed.dir, 'clock');
  const start = Date.now();
  const setClock = (ms: number) => {
    writeFileSync(`${clockFile}.new`, String(ms));
    renameSync(`${clockFile}.new`, clockFile);
  };
  setClock(start);
  const dnsmasq = await startDnsmasq({ txt: { [record]: 'eks-blue' }, ttlSeconds: 1 });
  try {
    await timed.startDaemon(
      [],
      timed.env({ NODE_OPTIONS: `--require ${FILE_CLOCK}`, FILE_CLOCK_PATH: clockFile }),
    );
    const ask = () => token('eu-north-1', dnsmasq.address, record, timed);
    assert.match((await ask()).stderr, /\(minted\) for cluster eks-blue/);
    assert.match((await ask()).stderr, /\(cached\) for cluster eks-blue/);
    await dnsmasq.restart({ txt: { [record]: 'eks-green' }, ttlSeconds: 1 });
    // dnsmasq says eks-green now, but the eks-blue answer (1 s TTL) is good for 1 s of the daemon's time.
    setClock(start + 999);
    assert.match((await ask()).stderr, /\(cached\) for cluster eks-blue/);
    setClock(start + 1000);
    assert.match((await ask()).stderr, /\(minted\) for cluster eks-green/);
    // Unchanged after the next TTL: the cached token again, after one DNS query.
    setClock(start + 2000);
    assert.match((await ask()).stderr, /\(cached\) for cluster eks-green/);
  } finally {
    await dnsmasq.stop();
    await timed.cleanup([KEYS.AWS_SECRET_ACCESS_KEY]);
  }
});
