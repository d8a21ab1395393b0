import { constants } from 'node:fs';
import { access, open } from 'node:fs/promises';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

const MAX_SCRIPT_BYTES = 16 * 1024;
/** A wrapper script's text, or why it could not be read. */
export type WrapperScript = { text: string } | { reason: string };

/**
 * Finds and reads the script kubectl would run for `command`: a path (relative ones from the
 * kubeconfig's directory, as kubectl resolves them) or the first executable on PATH. Only small
 * regular files are read.
 */
export async function readWrapperScript(
  command: string,
  options: { kubeconfigDir: string; path: string | undefined },
): Promise<WrapperScript> {
  const candidates = command.includes('/')
    ? [isAbsolute(command) ? command : resolve(options.kubeconfigDir, command)]
    : (options.path ?? '')
        .split(delimiter)
        .filter((d) => d !== '')
        .map((d) => join(d, command));
  for (const file of candidates) {
    const ok = await access(file, constants.X_OK).then(
      () => true,
      () => false,
    );
    if (!ok) continue;
    const opened = await open(file, 'r').catch((error: NodeJS.ErrnoException) => error.code ?? 'error');
    if (typeof opened === 'string') return { reason: `cannot read ${file} (${opened})` };
    try {
      const stat = await opened.stat();
      if (!stat.isFile()) return { reason: `${file} is not a file` };
      if (stat.size > MAX_SCRIPT_BYTES) return { reason: `${file} is not a script (over 16 KB)` };
      return { text: await opened.readFile('utf8') };
    } finally {
      await opened.close();
    }
  }
  return {
    reason: command.includes('/')
      ? `no executable ${candidates[0]}`
      : 'not found on PATH (run this where kubectl finds it)',
  };
}
