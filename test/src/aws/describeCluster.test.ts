import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { describeCluster, eksEndpoint } from '../../../src/aws/describeCluster.js';
import {
  type DescribeClusterServer,
  startDescribeClusterServer,
} from '../../helpers/describeClusterServer.js';

const KEYS = {
  accessKeyId: 'AKIDEXAMPLEDESCRIBE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const TEMP = {
  accessKeyId: 'ASIAEXAMPLETEMP',
  secretAccessKey: 'c2VjcmV0/+temp',
  sessionToken: 'IQoJb3Jp+/=token',
};
const CA = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64');
const NOW = Date.now();

let eks: DescribeClusterServer;

before(async () => {
  // The aws4-checking server: test/helpers/describeClusterServer.ts.
  eks = await startDescribeClusterServer([KEYS, TEMP]);
  eks.clusters.set('prod', { endpoint: 'https://PROD.gr7.eu-west-1.eks.amazonaws.com', caData: CA });
  eks.clusters.set('blue_1', { endpoint: 'https://BLUE.cn-north-1.eks.amazonaws.com.cn', caData: CA });
  eks.clusters.set('denied', { denied: true });
  eks.clusters.set('creating', { status: 'CREATING' });
  eks.clusters.set('throttled', { throttled: true });
});

after(() => eks.close());

const input = (name: string, extra: Partial<Parameters<typeof describeCluster>[0]> = {}) => ({
  name,
  region: 'eu-west-1',
  credentials: KEYS,
  env: { AWS_ENDPOINT_URL_EKS: eks.url },
  now: () => NOW,
  ...extra,
});

test('a SigV4-signed GET /clusters/NAME returns endpoint and CA', async () => {
  const got = await describeCluster(input('prod'));
  assert.deepEqual(got, {
    name: 'prod',
    arn: 'arn:aws:eks:eu-west-1:123456789012:cluster/prod',
    status: 'ACTIVE',
    endpoint: 'https://PROD.gr7.eu-west-1.eks.amazonaws.com',
    certificateAuthorityData: CA,
  });
  const last = eks.seen.at(-1);
  assert.equal(last?.path, '/clusters/prod');
  assert.equal(last?.service, 'eks');
  assert.equal(last?.region, 'eu-west-1');
  assert.ok(last?.signedHeaders.includes('host') && last.signedHeaders.includes('x-amz-date'));
});

test('temporary credentials sign their session token; an override path prefix is kept', async () => {
  const env = { AWS_ENDPOINT_URL: `${eks.url}/eks-api/` };
  const got = await describeCluster(input('blue_1', { credentials: TEMP, region: 'cn-north-1', env }));
  assert.equal(got.endpoint, 'https://BLUE.cn-north-1.eks.amazonaws.com.cn');
  assert.equal(eks.seen.at(-1)?.path, '/eks-api/clusters/blue_1');
  assert.equal(eks.seen.at(-1)?.region, 'cn-north-1');
  assert.ok(eks.seen.at(-1)?.signedHeaders.includes('x-amz-security-token'));
});

test('the test server really checks signatures: a wrong secret is refused', async () => {
  const wrong = { ...KEYS, secretAccessKey: `${KEYS.secretAccessKey}x` };
  await assert.rejects(describeCluster(input('prod', { credentials: wrong })), {
    code: 'E_EKS_ACCESS_DENIED',
    message: /403 InvalidSignatureException/,
  });
});

test('EKS errors become one actionable line', async () => {
  await assert.rejects(describeCluster(input('missing')), (e: Error & { code: string; hint: string }) => {
    assert.equal(e.code, 'E_NO_SUCH_CLUSTER');
    assert.match(
      e.message,
      /DescribeCluster missing in eu-west-1 failed: 404 ResourceNotFoundException \(No cluster/,
    );
    assert.match(e.hint, /aws eks list-clusters --region eu-west-1/);
    return true;
  });
  await assert.rejects(describeCluster(input('denied')), {
    code: 'E_EKS_ACCESS_DENIED',
    hint: /eks:DescribeCluster/,
  });
  await assert.rejects(describeCluster(input('creating')), {
    code: 'E_CLUSTER_NOT_READY',
    message: /CREATING.*no endpoint/,
  });
  await assert.rejects(describeCluster(input('throttled')), {
    code: 'E_EKS_ERROR',
    message: /429 ThrottlingException/,
  });
  await assert.rejects(describeCluster(input('x', { env: { AWS_ENDPOINT_URL_EKS: 'http://127.0.0.1:1' } })), {
    code: 'E_EKS_UNREACHABLE',
    message: /could not reach EKS at 127\.0\.0\.1:1/,
  });
});

test('the regional EKS host follows the partition', () => {
  assert.equal(eksEndpoint('eu-west-1', {}).href, 'https://eks.eu-west-1.amazonaws.com/');
  assert.equal(eksEndpoint('cn-northwest-1', {}).href, 'https://eks.cn-northwest-1.amazonaws.com.cn/');
  assert.equal(eksEndpoint('us-gov-west-1', {}).href, 'https://eks.us-gov-west-1.amazonaws.com/');
  assert.equal(eksEndpoint('us-isob-east-1', {}).href, 'https://eks.us-isob-east-1.sc2s.sgov.gov/');
  assert.throws(() => eksEndpoint('moon-1', {}), { code: 'E_BAD_REGION' });
});
