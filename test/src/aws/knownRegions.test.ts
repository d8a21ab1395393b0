import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isKnownRegion, KNOWN_REGIONS } from '../../../src/aws/knownRegions.js';
import { findPartition, PARTITIONS } from '../../../src/aws/resolveStsEndpoint.js';
import { hasCommand } from '../../helpers/hasCommand.js';

type PartitionsData = { partitions: Array<{ id: string; regions: Record<string, unknown> }> };

// A reference's regions of a partition that the table lacks (`aws-global` and the like are not regions).
function missingFrom(id: string, regions: readonly string[]): string[] {
  return regions.filter((r) => !r.endsWith('-global') && !isKnownRegion(id, r));
}

// Each partition's regions in botocore's endpoints.json, as {"aws": ["af-south-1", ...], ...}.
const BOTOCORE_ENDPOINTS =
  'import os,json,botocore;d=json.load(open(os.path.join(os.path.dirname(botocore.__file__),"data","endpoints.json")));print(json.dumps({p["partition"]:list(p["regions"]) for p in d["partitions"]}))';

// The interpreter line of the aws script, so that its own botocore is read (through a pyenv shim too).
function awsPython(): string {
  const firstLine = (file: string) => readFileSync(file, 'utf8').split('\n')[0] ?? '';
  let script = execFileSync('sh', ['-c', 'command -v aws'], { encoding: 'utf8' }).trim();
  if (!/python/.test(firstLine(script)))
    script = execFileSync('pyenv', ['which', 'aws'], { encoding: 'utf8' }).trim();
  return firstLine(script).replace(/^#!/, '').trim();
}

test('the table has every region of the AWS SDK’s partitions data', async () => {
  const file = fileURLToPath(
    new URL(
      '../../../../node_modules/@aws-sdk/core/dist-es/submodules/client/util-endpoints/lib/aws/partitions.js',
      import.meta.url,
    ),
  );
  const { partitionsInfo } = (await import(file)) as { partitionsInfo: PartitionsData };
  const sdk = partitionsInfo.partitions.map((p) => [p.id, Object.keys(p.regions)] as const);
  for (const [id, regions] of sdk)
    assert.deepEqual(missingFrom(id, regions), [], `the SDK's ${id} regions missing from the table`);
  // And no region of the table is in neither reference: the SDK's is the newer of the two here.
  for (const [id, regions] of Object.entries(KNOWN_REGIONS))
    assert.deepEqual(
      regions.filter((r) => !sdk.find(([sdkId]) => sdkId === id)?.[1].includes(r)),
      [],
      `${id} regions the SDK does not know`,
    );
});

test('the table has every region of botocore’s endpoints.json', {
  skip: !hasCommand('aws') && 'aws CLI not installed',
}, () => {
  const text = execFileSync('sh', ['-c', `${awsPython()} -c '${BOTOCORE_ENDPOINTS}'`], { encoding: 'utf8' });
  const botocore = JSON.parse(text) as Record<string, string[]>;
  for (const [id, regions] of Object.entries(botocore))
    assert.deepEqual(missingFrom(id, regions), [], `botocore's ${id} regions missing from the table`);
});

test('every partition has its regions, and each known region matches its partition’s pattern', () => {
  assert.deepEqual(Object.keys(KNOWN_REGIONS).sort(), PARTITIONS.map((p) => p.id).sort());
  for (const [id, regions] of Object.entries(KNOWN_REGIONS))
    for (const region of regions) {
      assert.equal(findPartition(region)?.id, id, region);
      assert.ok(isKnownRegion(id, region));
    }
  assert.equal(isKnownRegion('aws', 'eu-west-9'), false);
  assert.equal(isKnownRegion('aws-cn', 'eu-west-1'), false);
});
