import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isAllowedStsHost, PARTITIONS, resolveStsEndpoint } from '../../../src/aws/resolveStsEndpoint.js';
import { EksTokenError } from '../../../src/shared/EksTokenError.js';
import { errorCodeOf } from '../../helpers/errorCode.js';

test('regional hosts per partition', () => {
  const expected: Record<string, string> = {
    'eu-west-1': 'sts.eu-west-1.amazonaws.com',
    'cn-northwest-1': 'sts.cn-northwest-1.amazonaws.com.cn',
    'us-gov-east-1': 'sts.us-gov-east-1.amazonaws.com',
    'us-iso-west-1': 'sts.us-iso-west-1.c2s.ic.gov',
    'us-isob-east-1': 'sts.us-isob-east-1.sc2s.sgov.gov',
    'eu-isoe-west-1': 'sts.eu-isoe-west-1.cloud.adc-e.uk',
    'us-isof-south-1': 'sts.us-isof-south-1.csp.hci.ic.gov',
    'eusc-de-east-1': 'sts.eusc-de-east-1.amazonaws.eu',
    'mx-central-1': 'sts.mx-central-1.amazonaws.com',
  };
  for (const [region, host] of Object.entries(expected)) {
    const endpoint = resolveStsEndpoint(region);
    assert.equal(endpoint.host, host);
    assert.equal(endpoint.signingRegion, region);
  }
});

test('legacy mode sends only the classic aws regions to the global endpoint, signed for us-east-1', () => {
  assert.deepEqual(resolveStsEndpoint('eu-west-1', { stsRegionalEndpoints: 'legacy' }), {
    host: 'sts.amazonaws.com',
    signingRegion: 'us-east-1',
    partition: 'aws',
  });
  assert.equal(
    resolveStsEndpoint('eu-south-1', { stsRegionalEndpoints: 'legacy' }).host,
    'sts.eu-south-1.amazonaws.com',
  );
  assert.equal(
    resolveStsEndpoint('cn-north-1', { stsRegionalEndpoints: 'legacy' }).host,
    'sts.cn-north-1.amazonaws.com.cn',
  );
});

test('FIPS and dual-stack only where EKS accepts the host', () => {
  assert.equal(resolveStsEndpoint('us-west-2', { useFips: true }).host, 'sts-fips.us-west-2.amazonaws.com');
  assert.equal(
    resolveStsEndpoint('us-gov-west-1', { useFips: true }).host,
    'sts.us-gov-west-1.amazonaws.com',
  );
  assert.equal(resolveStsEndpoint('eu-west-1', { useDualStack: true }).host, 'sts.eu-west-1.api.aws');
  assert.equal(
    resolveStsEndpoint('cn-north-1', { useDualStack: true }).host,
    'sts.cn-north-1.api.amazonwebservices.com.cn',
  );
  assert.equal(
    errorCodeOf(() => resolveStsEndpoint('eu-west-1', { useFips: true })),
    'E_UNSUPPORTED_ENDPOINT',
  );
  assert.equal(
    errorCodeOf(() => resolveStsEndpoint('us-iso-east-1', { useDualStack: true })),
    'E_UNSUPPORTED_ENDPOINT',
  );
  assert.equal(
    errorCodeOf(() => resolveStsEndpoint('us-east-1', { useDualStack: true, useFips: true })),
    'E_UNSUPPORTED_ENDPOINT',
  );
});

test('unknown regions are refused', () => {
  for (const region of ['mars-1', 'eu-west', 'EU-WEST-1', '', 'eu-west-1.evil.com', 'us-east-1/x']) {
    assert.equal(
      errorCodeOf(() => resolveStsEndpoint(region)),
      'E_BAD_REGION',
      region,
    );
  }
});

test('every host eks-token can mint for is one the authenticator allows', () => {
  const region = fc.oneof(
    fc.constantFrom(
      'us',
      'eu',
      'ap',
      'sa',
      'ca',
      'me',
      'af',
      'il',
      'mx',
      'cn',
      'us-gov',
      'us-iso',
      'us-isob',
      'eu-isoe',
      'us-isof',
      'eusc-de',
    ),
  );
  fc.assert(
    fc.property(
      region,
      fc.constantFrom('east', 'west', 'central', 'north', 'south'),
      fc.nat(9),
      fc.record({ useFips: fc.boolean(), useDualStack: fc.boolean(), legacy: fc.boolean() }),
      (prefix, dir, n, o) => {
        let endpoint: ReturnType<typeof resolveStsEndpoint>;
        try {
          endpoint = resolveStsEndpoint(`${prefix}-${dir}-${n}`, {
            useFips: o.useFips,
            useDualStack: o.useDualStack,
            stsRegionalEndpoints: o.legacy ? 'legacy' : 'regional',
          });
        } catch (error) {
          return error instanceof EksTokenError;
        }
        return isAllowedStsHost(endpoint.host);
      },
    ),
  );
});

test('the allowlist refuses look-alike hosts', () => {
  for (const host of [
    'sts.amazonaws.com.evil.com',
    'sts.eu-west-1.amazonaws.com.cn',
    'sts-fips.eu-west-1.amazonaws.com',
    'evil.eu-west-1.amazonaws.com',
    'sts.mars-1.amazonaws.com',
    'sts.eu-west-1.api.aws.example',
  ]) {
    assert.equal(isAllowedStsHost(host), false, host);
  }
  assert.ok(PARTITIONS.length >= 8);
});
