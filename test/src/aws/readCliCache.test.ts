import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  type CachedRoleResponse,
  cliCacheEnabled,
  cliCacheKey,
  EXPIRY_WINDOW_MS,
  readCliCache,
  writeCliCache,
} from '../../../src/aws/readCliCache.js';

const ROLE = 'arn:aws:iam::111122223333:role/team/Deploy';
const NOW = Date.parse('2026-12-06T09:00:00Z');
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function cacheDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'eks-token-clicache-unit-'));
  dirs.push(dir);
  return join(dir, 'cli', 'cache');
}

const response = (expiresInMs: number): CachedRoleResponse => ({
  credentials: {
    accessKeyId: 'ASIACACHEDEXAMPLE001',
    secretAccessKey: 'cachedSecretKeyEXAMPLE/K7MDENG+bPxRfiCY',
    sessionToken: 'IQoJcached',
    expiration: new Date(NOW + expiresInMs),
  },
  assumedRoleArn: 'arn:aws:sts::111122223333:assumed-role/Deploy/botocore-session-1796547600',
  assumedRoleId: 'AROAEXAMPLE:botocore-session-1796547600',
});

// botocore's own key: AssumeRoleCredentialFetcher._create_cache_key on the same arguments.
function botocoreKey(extraArgs: Record<string, string | number>): string | undefined {
  const script = `
import json, sys
from botocore.credentials import AssumeRoleCredentialFetcher
args = json.loads(sys.argv[1])
role = args.pop('RoleArn')
print(AssumeRoleCredentialFetcher(None, None, role, extra_args=args, cache={})._cache_key)`;
  try {
    return execFileSync('python3', ['-c', script, JSON.stringify(extraArgs)], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

describe('the AWS CLI cache file name', () => {
  const cases: Record<string, string | number>[] = [
    { RoleArn: ROLE },
    { RoleArn: ROLE, SerialNumber: 'arn:aws:iam::111122223333:mfa/erin', DurationSeconds: 7200 },
    { RoleArn: ROLE, RoleSessionName: 'me@corp', ExternalId: 'ext-1' },
    { RoleArn: ROLE, ExternalId: 'ünïcødé \u2603 "quoted" \\ /', SerialNumber: '' },
  ];
  for (const args of cases)
    it(`is botocore's for ${Object.keys(args).join(', ')}`, (t) => {
      const expected = botocoreKey(args);
      if (expected === undefined) return t.skip('botocore not importable by python3');
      assert.equal(cliCacheKey(args), expected);
    });
});

describe('reading and writing the AWS CLI cache', () => {
  it('round trip: 0700 directory, 0600 file, aws shape, read back', async () => {
    const dir = cacheDir();
    await writeCliCache(dir, 'k', response(60 * 60_000));
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(statSync(join(dir, 'k.json')).mode & 0o777, 0o600);
    const file = JSON.parse(readFileSync(join(dir, 'k.json'), 'utf8'));
    assert.equal(file.Credentials.Expiration, '2026-12-06T10:00:00Z');
    assert.equal(file.AssumedRoleUser.Arn, response(0).assumedRoleArn);
    const read = await readCliCache(dir, 'k', ROLE, NOW);
    assert.equal(read?.accessKeyId, 'ASIACACHEDEXAMPLE001');
    assert.equal(read?.expiration?.getTime(), NOW + 60 * 60_000);
  });

  it("botocore's expiry window: 15 minutes left is used, less is not", async () => {
    const dir = cacheDir();
    await writeCliCache(dir, 'k', response(EXPIRY_WINDOW_MS));
    assert.ok(await readCliCache(dir, 'k', ROLE, NOW));
    assert.equal(await readCliCache(dir, 'k', ROLE, NOW + 1000), undefined);
  });

  it('is never trusted for another role, another account, or in another shape', async () => {
    const dir = cacheDir();
    await writeCliCache(dir, 'k', response(60 * 60_000));
    assert.equal(await readCliCache(dir, 'k', 'arn:aws:iam::111122223333:role/Other', NOW), undefined);
    assert.equal(await readCliCache(dir, 'k', 'arn:aws:iam::999999999999:role/Deploy', NOW), undefined);
    const good = JSON.parse(readFileSync(join(dir, 'k.json'), 'utf8'));
    const variants = [
      { ...good, Credentials: { ...good.Credentials, SessionToken: undefined } },
      { ...good, Credentials: { ...good.Credentials, Expiration: '2026-12-06T10:00:00' } },
      { ...good, Credentials: { ...good.Credentials, AccountId: '999999999999' } },
      { ...good, AssumedRoleUser: undefined },
      'not json',
    ];
    for (const variant of variants) {
      writeFileSync(join(dir, 'v.json'), typeof variant === 'string' ? variant : JSON.stringify(variant), {
        mode: 0o600,
      });
      assert.equal(await readCliCache(dir, 'v', ROLE, NOW), undefined, JSON.stringify(variant));
    }
    writeFileSync(
      join(dir, 'v.json'),
      JSON.stringify({ ...good, Credentials: { ...good.Credentials, Expiration: '2026-12-06T10:00:00UTC' } }),
    );
    assert.ok(await readCliCache(dir, 'v', ROLE, NOW), "JSONFileCache's own datetime form");
  });

  it('ignores files others could have written: group-writable, symlinked, in a world-writable directory', async () => {
    const dir = cacheDir();
    await writeCliCache(dir, 'k', response(60 * 60_000));
    chmodSync(join(dir, 'k.json'), 0o620);
    assert.equal(await readCliCache(dir, 'k', ROLE, NOW), undefined);
    chmodSync(join(dir, 'k.json'), 0o600);
    symlinkSync(join(dir, 'k.json'), join(dir, 'link.json'));
    assert.equal(await readCliCache(dir, 'link', ROLE, NOW), undefined);
    chmodSync(dir, 0o777);
    assert.equal(await readCliCache(dir, 'k', ROLE, NOW), undefined);
    await writeCliCache(dir, 'w', response(60 * 60_000));
    assert.throws(() => statSync(join(dir, 'w.json')), { code: 'ENOENT' });
    chmodSync(dir, 0o775);
    assert.ok(
      await readCliCache(dir, 'k', ROLE, NOW),
      'a group-writable directory is how aws makes it under umask 002',
    );
  });

  it('a missing directory or file is a miss, never an error', async () => {
    assert.equal(await readCliCache('/nonexistent-eks-token/cache', 'k', ROLE, NOW), undefined);
    const dir = cacheDir();
    mkdirSync(dir, { recursive: true });
    assert.equal(await readCliCache(dir, 'absent', ROLE, NOW), undefined);
  });

  it('EKS_TOKEN_CLI_CACHE=off switches it off', () => {
    assert.equal(cliCacheEnabled({}), true);
    assert.equal(cliCacheEnabled({ EKS_TOKEN_CLI_CACHE: 'off' }), false);
    assert.equal(cliCacheEnabled({ EKS_TOKEN_CLI_CACHE: 'OFF' }), false);
  });
});
