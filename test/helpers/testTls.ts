/**
 * Generates a throwaway CA and a server certificate for 127.0.0.1/localhost with the openssl CLI.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** PEM material for one HTTPS test server; call cleanup() to delete the temp dir (and caFile). */
export interface TestTls {
  dir: string;
  caPem: string;
  /** Path of the CA certificate (for kubeconfig certificate-authority). */
  caFile: string;
  certPem: string;
  keyPem: string;
  cleanup(): Promise<void>;
}

/**
 * Creates a CA (CA:TRUE) and a leaf certificate valid for 2 days, with SAN IP:127.0.0.1, DNS:localhost
 * unless `sans` (openssl subjectAltName entries, e.g. ['DNS:kubernetes']) says otherwise.
 */
export async function generateTestTls(sans = ['IP:127.0.0.1', 'DNS:localhost']): Promise<TestTls> {
  const dir = await mkdtemp(join(tmpdir(), 'eks-token-tls-'));
  const p = (name: string) => join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    await run('openssl', [
      'req',
      '-x509',
      '-new',
      ...ec,
      '-keyout',
      p('ca.key'),
      '-out',
      p('ca.pem'),
      '-days',
      '2',
      '-subj',
      '/CN=eks-token test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    await run('openssl', [
      'req',
      '-new',
      ...ec,
      '-keyout',
      p('server.key'),
      '-out',
      p('server.csr'),
      '-subj',
      '/CN=127.0.0.1',
    ]);
    await writeFile(
      p('server.ext'),
      [
        `subjectAltName=${sans.join(',')}`,
        'basicConstraints=critical,CA:FALSE',
        'keyUsage=critical,digitalSignature,keyEncipherment',
        'extendedKeyUsage=serverAuth',
        '',
      ].join('\n'),
    );
    await run('openssl', [
      'x509',
      '-req',
      '-in',
      p('server.csr'),
      '-CA',
      p('ca.pem'),
      '-CAkey',
      p('ca.key'),
      '-CAcreateserial',
      '-out',
      p('server.pem'),
      '-days',
      '2',
      '-sha256',
      '-extfile',
      p('server.ext'),
    ]);
    const [caPem, certPem, keyPem] = await Promise.all(
      ['ca.pem', 'server.pem', 'server.key'].map((f) => readFile(p(f), 'utf8')),
    );
    await Promise.all(['ca.key', 'server.key', 'server.csr', 'ca.srl'].map((f) => rm(p(f), { force: true })));
    return {
      dir,
      caPem: caPem as string,
      caFile: p('ca.pem'),
      certPem: certPem as string,
      keyPem: keyPem as string,
      cleanup: () => rm(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`openssl could not create the test certificates: ${(error as Error).message}`);
  }
}
