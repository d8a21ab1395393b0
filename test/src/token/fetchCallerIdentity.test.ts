import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';
import { fetchTokenIdentity } from '../../../src/token/fetchCallerIdentity.js';
import { type StsTestServer, startStsTestServer } from '../../helpers/stsTestServer.js';
import { makeEksToken } from '../../helpers/testTokens.js';

// Tokens signed by the test's own signer (testTokens.ts), sent to the signature-checking STS stand-in.
let sts: StsTestServer;
before(async () => {
  sts = await startStsTestServer();
});
after(() => sts.close());

test('a token STS accepts gives the identity; keys STS does not know are E_STS_REJECTED', async () => {
  const user = sts.addUser('111122223333', 'kim');
  const env = { AWS_ENDPOINT_URL_STS: sts.url };
  const good = makeEksToken({ credentials: user, clusterName: 'eks-a' });
  assert.equal((await fetchTokenIdentity(good, 'eks-a', env)).arn, user.arn);
  const unknown = makeEksToken({
    credentials: { accessKeyId: 'AKIAUNKNOWNKEY', secretAccessKey: 'x' },
    clusterName: 'eks-a',
  });
  await assert.rejects(fetchTokenIdentity(unknown, 'eks-a', env), {
    code: 'E_STS_REJECTED',
    message: /answered 403 InvalidClientTokenId/,
  });
});

test('no STS at the address is E_STS_UNREACHABLE, naming the host', async () => {
  const port = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
  const token = makeEksToken({
    credentials: { accessKeyId: 'AKIAX', secretAccessKey: 'x' },
    clusterName: 'a',
  });
  await assert.rejects(fetchTokenIdentity(token, 'a', { AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${port}` }), {
    code: 'E_STS_UNREACHABLE',
    message: new RegExp(`could not reach STS at 127\\.0\\.0\\.1:${port}`),
  });
});
