/**
 * A TokenService on a fake clock and fake timers, with a loopback DNS test server for TXT names and
 * scripted credentials: what the service sees of the world is all the test's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CredentialSource } from '../../daemon/CredentialCache.js';
import { type PreparedRequest, prepareRequest } from '../../daemon/prepareRequest.js';
import type { ServedToken } from '../../daemon/ServedToken.js';
import { TokenService } from '../../daemon/TokenService.js';
import type { AwsCredentials } from '../../src/aws/AwsCredentials.js';
import { KEYS } from './daemonHarness.js';
import { type DnsTestServer, reply, startDnsTestServer, txt } from './dnsTestServer.js';
import { FakeClock } from './fakeClock.js';
import { parseAmzDate, verifyPresignedUrl } from './sigv4.js';

export const T0 = Date.parse('2026-03-01T09:00:00Z');
export const RECORD = 'eks.devinfra.test';

/** What the loopback DNS server says about RECORD; the clock moves by `delayMs` while it answers. */
export interface DnsScript {
  answer: string | 'SERVFAIL';
  ttl: number;
  delayMs: number;
}

/** Credentials from a "credential child" that counts its calls and can be held or made to fail. */
export class ScriptedCredentials implements CredentialSource {
  fetches = 0;
  closed = false;
  /** How long fetched credentials last; undefined: no Expiration (a credential_process answer without one). */
  lifetimeMs: number | undefined = 60 * 60_000;
  failNext: Error | undefined;
  private gate: Promise<void> | undefined;
  private open: () => void = () => {};

  constructor(private readonly clock: FakeClock) {}

  /** Holds every fetch until release(). */
  hold(): void {
    this.gate = new Promise((resolve) => {
      this.open = resolve;
    });
  }

  release(): void {
    this.gate = undefined;
    this.open();
  }

  async fetch(): Promise<AwsCredentials> {
    this.fetches += 1;
    const failure = this.failNext;
    this.failNext = undefined;
    await this.gate;
    if (failure) throw failure;
    const keys = { accessKeyId: KEYS.AWS_ACCESS_KEY_ID, secretAccessKey: KEYS.AWS_SECRET_ACCESS_KEY };
    if (this.lifetimeMs === undefined) return keys;
    return { ...keys, expiration: new Date(this.clock.now() + this.lifetimeMs) };
  }

  close(): void {
    this.closed = true;
  }
}

/** One service and its world. */
export interface World {
  clock: FakeClock;
  service: TokenService;
  credentials: ScriptedCredentials;
  dns: DnsTestServer;
  script: DnsScript;
  /** A prepared request for `clusterId`; static keys in the environment unless `fetched`. */
  /**
   * Moves the clock forward timer by timer, letting the work each timer starts (renewals, with their
   * DNS queries and signing) finish at the time it started.
   */
  pass(ms: number): Promise<void>;
  /** What the daemon answers: the cached token, else a new one. */
  answer(prepared: PreparedRequest): Promise<Answered>;
  /** The service's mint, its token and whether it was cached in one object. */
  mint(prepared: PreparedRequest): Promise<Answered>;
  /** The service's lookup, as `mint` gives it. */
  lookup(prepared: PreparedRequest): Answered | undefined;
  prepare(clusterId: string, options?: { fetched?: boolean; region?: string }): PreparedRequest;
  close(): Promise<void>;
}

/** A served token and whether it came from the cache, as the daemon renders it. */
export type Answered = ServedToken & { cached: boolean };

/** Starts a world at T0 with a DNS server naming eks-blue (TTL 10 s). */
export async function startWorld(options: { maxEntries?: number } = {}): Promise<World> {
  const clock = new FakeClock(T0);
  const credentials = new ScriptedCredentials(clock);
  const script: DnsScript = { answer: 'eks-blue', ttl: 10, delayMs: 0 };
  const dns = await startDnsTestServer((query) => {
    // The record is read as the query arrives; the answer takes delayMs to come back.
    const { answer, ttl } = script;
    clock.advance(script.delayMs);
    const name = query.questions?.[0]?.name ?? '';
    if (answer === 'SERVFAIL') return [{ packet: reply(query, { rcode: 'SERVFAIL' }) }];
    return [{ packet: reply(query, { answers: [txt(name, answer, ttl)] }) }];
  });
  const home = mkdtempSync(join(tmpdir(), 'eks-token-service-'));
  const service = new TokenService({
    credentialChild: join(home, 'no-child.cjs'),
    now: clock.now,
    maxEntries: options.maxEntries ?? 100,
    timers: clock.timers,
    credentials,
  });
  const mint = async (prepared: PreparedRequest): Promise<Answered> => {
    const { served, cached } = await service.mint(prepared);
    return { ...served, cached };
  };
  const lookup = (prepared: PreparedRequest): Answered | undefined => {
    const served = service.lookup(prepared);
    return served && { ...served, cached: true };
  };
  return {
    clock,
    service,
    credentials,
    dns,
    script,
    async pass(ms) {
      const end = clock.now() + ms;
      for (;;) {
        const due = clock.nextDue();
        if (due === undefined || due > end) break;
        clock.advance(due - clock.now());
        await service.renewed();
      }
      clock.advance(end - clock.now());
    },
    async answer(prepared) {
      const reply = lookup(prepared) ?? (await mint(prepared));
      await service.renewed();
      return reply;
    },
    mint,
    lookup,
    prepare(clusterId, { fetched = false, region = 'eu-west-1' } = {}) {
      const env: Record<string, string> = fetched ? { HOME: home } : { HOME: home, ...KEYS };
      return prepareRequest({ clusterId, region, dnsServers: [dns.address] }, env);
    },
    async close() {
      service.close();
      await dns.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/**
 * When the token was signed (epoch ms), after checking with the independent SigV4 verifier that it
 * is a presigned GetCallerIdentity for `cluster` made with the test keys.
 */
export function signedAt(reply: { token: string } | undefined, cluster: string): number {
  if (!reply) throw new Error('expected a token, got a miss');
  const url = Buffer.from(reply.token.slice('k8s-aws-v1.'.length), 'base64url').toString();
  const verdict = verifyPresignedUrl(
    url,
    { 'x-k8s-aws-id': cluster },
    { secretFor: (id) => (id === KEYS.AWS_ACCESS_KEY_ID ? KEYS.AWS_SECRET_ACCESS_KEY : undefined) },
  );
  if (!verdict.ok) throw new Error(`token not signed for ${cluster}: ${verdict.reason} ${verdict.detail}`);
  return parseAmzDate(verdict.date) ?? Number.NaN;
}
