import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Document } from 'yaml';
import { parseKubeconfig } from '../src/kubeconfig/parseKubeconfig.js';
import { EksTokenError, isEksTokenError } from '../src/shared/EksTokenError.js';
import { writeFileAtomic } from '../src/shared/writeFileAtomic.js';

/** A kubeconfig file's text (empty when missing and `missingOk`) and its YAML document. */
export async function readKubeconfigFile(
  path: string,
  missingOk: boolean,
): Promise<{ text: string; doc: Document }> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (missingOk && error.code === 'ENOENT') return '';
    if (error.code === 'EISDIR')
      throw new EksTokenError(
        'E_KUBECONFIG_IO',
        `kubeconfig ${path} is a directory, not a file`,
        `name the file in it, e.g. --kubeconfig ${join(path, 'config')}`,
      );
    throw new EksTokenError(
      'E_KUBECONFIG_IO',
      `cannot read kubeconfig ${path} (${error.code})`,
      missingOk
        ? 'check the path and its permissions'
        : 'check the path, or pass the file with --kubeconfig FILE',
    );
  });
  try {
    return { text, doc: parseKubeconfig(text) };
  } catch (error) {
    // The YAML layer does not know the file; say which one.
    if (isEksTokenError(error)) throw new EksTokenError(error.code, `${path}: ${error.message}`, error.hint);
    throw error;
  }
}

/** Replaces the kubeconfig atomically (mode 0600), failing with one line naming the file. */
export async function writeKubeconfigFile(path: string, text: string): Promise<void> {
  await writeFileAtomic(path, text).catch((error: NodeJS.ErrnoException) => {
    throw new EksTokenError(
      'E_KUBECONFIG_IO',
      `cannot write ${path} (${error.code ?? error.message})`,
      'check the directory exists and is writable',
    );
  });
}
