import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { isolatedEnv, runCli } from '../helpers/runCli.js';
import { type StsTestServer, startStsTestServer } from '../helpers/stsTestServer.js';
import { generateTestTls, type TestTls } from '../helpers/testTls.js';

// The launcher moves NODE_EXTRA_CA_CERTS aside so a cache hit does not parse it; every network
// call must still trust it. An HTTPS front for the test STS, signed by a test CA, proves it.
describe('NODE_EXTRA_CA_CERTS is still trusted for calls to AWS', () => {
  let sts: StsTestServer;
  let tls: TestTls;
  let front: Server;
  let url = '';
  let userEnv: Record<string, string> = {};
  const roleArn = 'arn:aws:iam::111122223333:role/Viewer';

  before(async () => {
    sts = await startStsTestServer();
    tls = await generateTestTls();
    const target = new URL(sts.url);
    front = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
      const upstream = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(front.address() as AddressInfo).port}`;
    const user = sts.addUser('111122223333', 'ca-user');
    sts.addRole({ roleArn, trustedPrincipals: [user.arn] });
    userEnv = {
      AWS_ACCESS_KEY_ID: user.accessKeyId,
      AWS_SECRET_ACCESS_KEY: user.secretAccessKey,
      AWS_ENDPOINT_URL_STS: url,
    };
  });
  after(async () => {
    front?.closeAllConnections();
    await new Promise((resolve) => front?.close(resolve));
    await sts?.close();
    await tls?.cleanup();
  });

  it('AssumeRole through the SDK trusts the extra CA', async () => {
    const before = sts.count('AssumeRole');
    const r = await runCli(
      ['token', '-i', 'eks-a', '-r', roleArn, '--region', 'eu-west-1'],
      isolatedEnv({ ...userEnv, NODE_EXTRA_CA_CERTS: tls.caFile }),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(sts.count('AssumeRole'), before + 1);
  });

  it('GetCallerIdentity through undici (whoami) trusts the extra CA', async () => {
    const r = await runCli(
      ['whoami', '-i', 'eks-a', '--region', 'eu-west-1', '--json'],
      isolatedEnv({ ...userEnv, NODE_EXTRA_CA_CERTS: tls.caFile }),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /ca-user/);
  });

  it('without the extra CA the same call fails on the certificate, in one line', async () => {
    const r = await runCli(
      ['token', '-i', 'eks-a', '-r', roleArn, '--region', 'eu-west-1'],
      isolatedEnv(userEnv),
    );
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^eks-token: .*certificate/i);
  });
});
