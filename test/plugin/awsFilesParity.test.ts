import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type AwsResult, awsPython, runAwsBatch } from '../helpers/awsCliBatch.js';
import {
  ACCOUNT,
  CORPUS,
  type CorpusCase,
  EXTERNAL_ID,
  type Expected,
  KEY_TAGS,
  key,
  ROLES,
  WEB_TOKEN,
} from '../helpers/awsFileCorpus.js';
import { decodeEksToken } from '../helpers/iamAuthenticator.js';
import { runCli } from '../helpers/runCli.js';
import { type StsTestServer, startStsTestServer } from '../helpers/stsTestServer.js';

// Differential: every file pair of the corpus through the real `aws eks get-token` and eks-token, in
// the same environment, both sending AssumeRole to the loopback STS. Compared: the key id (or, for
// temporary keys, the role STS issued them for), the session token and the region the token is signed
// for. Where aws refuses a file, eks-token fails with the code the table names or signs by a choice
// README documents. The aws runs go through awscli's own entry in one Python process (awsCliBatch).
const PYTHON = awsPython();
const GET_TOKEN = ['eks', 'get-token', '--cluster-name', 'corpus-cluster'];

/** What a token carries: key id, session token, signing region. */
function tokenFacts(stdout: string): { key: string; token?: string; region: string } {
  const url = new URL(decodeEksToken(JSON.parse(stdout).status.token) ?? 'invalid:');
  const params = Object.fromEntries([...url.searchParams].map(([k, v]) => [k.toLowerCase(), v]));
  const [keyId = '', , region = ''] = (params['x-amz-credential'] ?? '').split('/');
  const token = params['x-amz-security-token'];
  return { key: keyId, region, ...(token ? { token } : {}) };
}

describe('eks-token reads every AWS file pair as aws eks get-token does', {
  skip: !PYTHON && 'aws CLI (v1, Python) not installed',
  concurrency: 2,
}, () => {
  let root: string;
  let sts: StsTestServer;
  const envs: Record<string, string>[] = [];
  let peers: AwsResult[] = [];

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'eks-token-corpus-'));
    sts = await startStsTestServer();
    for (const tag of KEY_TAGS) {
      const k = key(tag);
      sts.addIdentity({
        accessKeyId: k.id,
        secretAccessKey: k.secret,
        arn: `arn:aws:iam::${ACCOUNT}:user/${tag}`,
        userId: `AIDACORPUS${tag.toUpperCase()}`,
        account: ACCOUNT,
      });
    }
    for (const role of ROLES)
      sts.addRole({
        roleArn: `arn:aws:iam::${ACCOUNT}:role/${role}`,
        trustedPrincipals: ['*'],
        ...(role === 'WithExternalId' ? { externalId: EXTERNAL_ID } : {}),
        ...(role === 'WebRole' ? { webIdentityTokens: [WEB_TOKEN] } : {}),
      });
    for (const [index, c] of CORPUS.entries()) envs.push(await setUp(c, index));
    peers = await runAwsBatch(
      PYTHON ?? 'python3',
      CORPUS.map((c, i) => ({ argv: argvOf(c), env: { PATH: process.env.PATH ?? '', ...envs[i] } })),
    );
  });
  after(async () => {
    await sts?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  /** Writes a case's files into a directory of its own; returns the environment both tools get. */
  async function setUp(c: CorpusCase, index: number): Promise<Record<string, string>> {
    const dir = join(root, String(index));
    await mkdir(dir);
    const fill = (text: string) => text.replaceAll('{dir}', dir);
    const place = async (path: string, text: string | undefined) => {
      if (text === undefined) return;
      await mkdir(dirname(path), { recursive: true });
      if (text === 'dir') return mkdir(path);
      await writeFile(path, Buffer.from(fill(text), c.encoding ?? 'utf8'));
      if (text.startsWith('#!')) await chmod(path, 0o755);
    };
    await place(join(dir, 'config'), c.config);
    await place(join(dir, 'credentials'), c.credentials);
    for (const [path, text] of Object.entries(c.extra ?? {})) await place(join(dir, path), text);
    const env: Record<string, string> = {
      HOME: dir,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL_STS: sts.url,
      ...Object.fromEntries(Object.entries(c.env ?? {}).map(([k, v]) => [k, fill(v)])),
    };
    if (c.configVar !== null) env.AWS_CONFIG_FILE = c.configVar ?? join(dir, 'config');
    if (c.credentialsVar !== null)
      env.AWS_SHARED_CREDENTIALS_FILE = c.credentialsVar ?? join(dir, 'credentials');
    return env;
  }

  /** The token's facts, with temporary keys replaced by the role STS issued them for. */
  function identify(facts: { key: string; token?: string; region: string }): Expected {
    const issued = sts.identity(facts.key);
    const role = issued?.sessionToken ? /assumed-role\/([^/]+)\//.exec(issued.arn)?.[1] : undefined;
    if (role) return { role, region: facts.region };
    return { key: facts.key, region: facts.region, ...(facts.token ? { token: facts.token } : {}) };
  }

  const argvOf = (c: CorpusCase) => [...GET_TOKEN, ...(c.args ?? [])];

  CORPUS.forEach((c, index) => {
    it(c.name, async () => {
      const env = envs[index] ?? {};
      const peer = peers[index] ?? { code: -1, stdout: '', stderr: 'no aws run' };
      const argv = argvOf(c);
      const ours = await runCli(argv, env);
      assert.equal(peer.code === 0 ? 'signs' : 'refuses', c.aws, `aws: ${peer.stderr}`);
      if (c.aws === 'signs') {
        assert.equal(ours.code, 0, ours.stderr);
        const theirs = identify(tokenFacts(peer.stdout));
        assert.deepEqual(identify(tokenFacts(ours.stdout)), theirs);
        assert.deepEqual(theirs, c.expect, 'the case signs as the table says');
        return;
      }
      if (c.ours === 'signs') {
        assert.equal(ours.code, 0, ours.stderr);
        assert.deepEqual(identify(tokenFacts(ours.stdout)), c.expect);
        assert.match(ours.stderr, /^eks-token: note: /, 'a note says what eks-token read differently');
        return;
      }
      assert.equal(ours.code, 1, ours.stdout);
      const lines = ours.stderr.trim().split('\n');
      assert.equal(lines.length, 1, ours.stderr);
      assert.match(lines[0] ?? '', /^eks-token: /);
      const debug = await runCli([...argv, '--debug'], env);
      assert.match(debug.stderr, new RegExp(`\\b${c.ours}\\b`), debug.stderr);
    });
  });
});
