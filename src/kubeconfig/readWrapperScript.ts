import { constants } from 'node:fs';
import { access, open } from 'node:fs/promises';
import { basename, delimiter, isAbsolute, join, resolve } from 'node:path';
import type { StoredExec } from './translateAwsExec.js';

const MAX_SCRIPT_BYTES = 16 * 1024;
const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh']);
const TOOLS = new Set(['aws', 'aws-iam-authenticator']);

/**
 * The call a wrapper script makes, when it is nothing but a shell script that passes its own
 * arguments to `aws` or `aws-iam-authenticator`: shebang, comments, `set -e`, `export NAME=literal`,
 * and one `[exec] TOOL fixed-args... "$@"` line. Anything else (variables, pipes, conditions, a
 * second command) returns undefined: the entry is then left alone.
 */
export function parseWrapperScript(text: string): StoredExec | undefined {
  const lines = text.split('\n').map((l) => l.trim());
  const shebang = /^#!\s*(\S+)(?:\s+(\S+))?\s*$/.exec(lines[0] ?? '');
  const shell = shebang && basename(shebang[1] ?? '') === 'env' ? shebang[2] : shebang?.[1];
  if (!shell || !SHELLS.has(basename(shell))) return undefined;
  const env: StoredExec['env'] = [];
  let call: StoredExec | undefined;
  for (const line of lines.slice(1)) {
    if (line === '' || line.startsWith('#') || /^set(\s+-[euxo]+)*(\s+pipefail)?$/.test(line)) continue;
    const words = splitWords(line);
    if (!words || words.length === 0) return undefined;
    if (words[0] === 'export' && words.length === 2) {
      const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(words[1] ?? '');
      if (!assignment || call) return undefined;
      env.push({ name: assignment[1] ?? '', value: assignment[2] ?? '' });
      continue;
    }
    if (call) return undefined;
    const rest = words[0] === 'exec' ? words.slice(1) : words;
    const [command, ...args] = rest;
    if (!command || !TOOLS.has(basename(command)) || args.at(-1) !== '"$@"') return undefined;
    call = { command, args: args.slice(0, -1), env };
  }
  return call;
}

// Shell words with plain '...' and "..." quoting; undefined for anything a shell would expand or
// treat specially, except a final "$@" (kept verbatim as the marker of passed-through arguments).
function splitWords(line: string): string[] | undefined {
  const words: string[] = [];
  const pattern = /\s*(?:'([^']*)'|"([^"$`\\]*)"|("\$@")|([^\s'"$`\\;&|<>(){}*?[\]~]+))(?=\s|$)/gy;
  let match: RegExpExecArray | null;
  let at = 0;
  while (at < line.length) {
    pattern.lastIndex = at;
    match = pattern.exec(line);
    if (!match) return /^\s*$/.test(line.slice(at)) ? words : undefined;
    words.push(match[1] ?? match[2] ?? match[3] ?? match[4] ?? '');
    at = pattern.lastIndex;
  }
  return words;
}

/**
 * Finds and reads the script kubectl would run for `command`: a path (relative ones from the
 * kubeconfig's directory, as kubectl resolves them) or the first executable on PATH. Only small
 * files are read; undefined when there is no such executable file.
 */
export async function readWrapperScript(
  command: string,
  options: { kubeconfigDir: string; path: string | undefined },
): Promise<string | undefined> {
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
    const handle = await open(file, 'r').catch(() => undefined);
    if (!handle) return undefined;
    try {
      const stat = await handle.stat();
      if (!stat.isFile() || stat.size > MAX_SCRIPT_BYTES) return undefined;
      return await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  }
  return undefined;
}
