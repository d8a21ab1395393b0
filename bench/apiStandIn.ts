// A loopback EKS API server and STS stand-in in a process of its own, for kubectl end to end: the
// benchmark times kubectl with spawnSync, which would stall servers in its own process. Prints one
// JSON line (URL, CA, a mapped user's keys); stops when its stdin closes.
import { startEksApiTestServer } from '../test/helpers/eksApiTestServer.js';
import { startStsTestServer } from '../test/helpers/stsTestServer.js';

const clusterName = process.argv[2] ?? 'eks-bench';
const sts = await startStsTestServer();
const eks = await startEksApiTestServer({ clusterName, stsUrl: sts.url });
const user = sts.addUser('111122223333', 'bench');
eks.mapUsers.push({ userarn: user.arn, username: 'bench', groups: ['devs'] });
process.stdout.write(
  `${JSON.stringify({ url: eks.url, caData: eks.caData, accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey })}\n`,
);
process.stdin.resume();
process.stdin.on('end', async () => {
  await eks.close();
  await sts.close();
  process.exit(0);
});
