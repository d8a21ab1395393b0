import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CredentialFetcher } from '../../daemon/CredentialFetcher.js';
import { resolveStsEndpoint } from '../../src/aws/resolveStsEndpoint.js';
import { isEksTokenError } from '../../src/shared/EksTokenError.js';
import type { ResolvedRequest } from '../../src/token/mintToken.js';
import { waitFor } from '../helpers/daemonHarness.js';
import { groupMembers, hangingHelper, killGroup } from '../helpers/processGroups.js';

const CHILD = fileURLToPath(new URL('../../bundle/credentialChild.cjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ekst-fetch-'));
const home = join(dir, 'home');
mkdirSync(join(home, '.aws'), { recursive: true });
writeFileSync(join(dir, 'hang.sh'), hangingHelper(dir), { mode: 0o700 });
writeFileSync(join(dir, 'mark.sh'), `#!/bin/sh\ntouch ${dir}/started\nsleep 60\n`, { mode: 0o700 });
writeFileSync(
  join(home, '.aws', 'config'),
  `[profile hang]\ncredential_process = ${dir}/hang.sh\n[profile mark]\ncredential_process = ${dir}/mark.sh\n`,
);
const env = { HOME: home, PATH: process.env.PATH ?? '/usr/bin:/bin', AWS_EC2_METADATA_DISABLED: 'true' };
const pgids: number[] = [];
after(() => {
  for (const pgid of pgids) killGroup(pgid);
  rmSync(dir, { recursive: true, force: true });
});

function request(profile: string): ResolvedRequest {
  return {
    clusterId: 'eks-a',
    clusterName: 'eks-a',
    region: 'eu-west-1',
    profile,
    endpoint: resolveStsEndpoint('eu-west-1'),
  };
}

/** The helper's process group once it has started. */
async function helperGroup(): Promise<number> {
  const file = join(dir, 'pgid');
  await waitFor(() => existsSync(file), 10_000);
  const pgid = Number(readFileSync(file, 'utf8'));
  rmSync(file);
  pgids.push(pgid);
  return pgid;
}

test('a fetch past its time limit is killed with its whole process group (helper and grandchild)', async () => {
  const fetcher = new CredentialFetcher(CHILD, { timeoutMs: 1500, maxChildren: 8 });
  const fetching = fetcher.fetch(request('hang'), env);
  const pgid = await helperGroup();
  assert.ok(groupMembers(pgid).length >= 3, 'child, helper and its grandchild are running');
  await assert.rejects(
    fetching,
    (e: unknown) => isEksTokenError(e) && e.code === 'E_CREDENTIAL_CHILD' && /timed out/.test(e.message),
  );
  await waitFor(
    () => groupMembers(pgid).length === 0,
    5000,
    () => `left running: ${groupMembers(pgid)}`,
  );
});

test('a fetch nobody waits for any more is killed with its whole process group', async () => {
  const fetcher = new CredentialFetcher(CHILD, { timeoutMs: 60_000, maxChildren: 8 });
  const gone = new AbortController();
  const fetching = fetcher.fetch(request('hang'), env, gone.signal);
  const pgid = await helperGroup();
  gone.abort(new Error('client gone'));
  await assert.rejects(fetching, /no client waits/);
  await waitFor(
    () => groupMembers(pgid).length === 0,
    5000,
    () => `left running: ${groupMembers(pgid)}`,
  );
});

test('no fetch starts for a client that has gone, and none waits behind a full house', async () => {
  const fetcher = new CredentialFetcher(CHILD, { timeoutMs: 60_000, maxChildren: 1 });
  const gone = new AbortController();
  gone.abort(new Error('client gone'));
  await assert.rejects(fetcher.fetch(request('mark'), env, gone.signal), /client gone/);
  const first = new AbortController();
  const running = fetcher.fetch(request('hang'), env, first.signal);
  const pgid = await helperGroup();
  // The one slot is taken: another identity is refused at once (the plugin makes its own token).
  await assert.rejects(
    fetcher.fetch(request('mark'), env),
    (e: unknown) => isEksTokenError(e) && e.code === 'E_TOO_MANY_FETCHES',
  );
  first.abort();
  await assert.rejects(running);
  await waitFor(() => groupMembers(pgid).length === 0, 5000);
  assert.equal(existsSync(join(dir, 'started')), false, 'the refused fetches never ran their helper');
});
