// The daemon's cache key covers every field of TokenRequest through the one field table.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { prepareRequest } from '../../daemon/prepareRequest.js';
import {
  TOKEN_REQUEST_FIELDS,
  type TokenRequest,
  type TokenRequestFieldKind,
} from '../../src/token/TokenRequest.js';

// Keys in the environment: the identity reads no file, so only the request decides the key.
const ENV = {
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'secretEXAMPLE',
  HOME: '/nonexistent',
};

// Two values per field, one of which may be absence. Its own `satisfies`: a new field needs both.
const VALUES = {
  clusterId: ['eks-a', 'blue.example.com'],
  roleArn: [undefined, 'arn:aws:iam::111122223333:role/r'],
  externalId: [undefined, 'x-1'],
  sessionName: [undefined, 's-1'],
  forwardSessionName: [undefined, true],
  region: [undefined, 'eu-west-1'],
  profile: [undefined, 'alice'],
  txtFallback: [undefined, 'literal'],
  dnsServers: [undefined, ['127.0.0.1:5353']],
} as const satisfies { [K in keyof TokenRequest]-?: readonly [TokenRequest[K], TokenRequest[K]] };

const FIELDS = Object.keys(TOKEN_REQUEST_FIELDS) as Array<keyof TokenRequest>;

/** A request with each field at its first or second value, as `pick` says. */
function requestOf(pick: boolean[]): TokenRequest {
  const request: Record<string, unknown> = {};
  FIELDS.forEach((field, i) => {
    const value = VALUES[field][pick[i] ? 1 : 0];
    if (value !== undefined) request[field] = value;
  });
  return request as unknown as TokenRequest;
}

test('the field table lists every field of TokenRequest (a new field without it does not compile)', () => {
  type WithNewField = TokenRequest & { newField?: string };
  // @ts-expect-error: the table lacks newField, so it does not satisfy the wider request's keys.
  const table: Record<keyof WithNewField, TokenRequestFieldKind> = TOKEN_REQUEST_FIELDS;
  assert.deepEqual(Object.keys(table).sort(), Object.keys(VALUES).sort());
});

test('every field of the table changes the cache key; nothing else about the request does', () => {
  fc.assert(
    fc.property(
      fc.array(fc.boolean(), { minLength: FIELDS.length, maxLength: FIELDS.length }),
      fc.nat(FIELDS.length - 1),
      (pick, flip) => {
        const key = prepareRequest(requestOf(pick), ENV).key;
        const other = pick.map((p, i) => (i === flip ? !p : p));
        assert.notEqual(prepareRequest(requestOf(other), ENV).key, key, `${FIELDS[flip]} changes the key`);
        assert.equal(prepareRequest({ ...requestOf(pick) }, ENV).key, key);
      },
    ),
  );
});

test('a flag counts as false when absent', () => {
  const key = prepareRequest({ clusterId: 'eks-a' }, ENV).key;
  assert.equal(prepareRequest({ clusterId: 'eks-a', forwardSessionName: false }, ENV).key, key);
});
