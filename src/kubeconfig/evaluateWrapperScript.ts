import { basename } from 'node:path';
import { type ShellToken, shellTokens } from './shellTokens.js';
import { type WrapperCall, WrapperEvaluator } from './WrapperEvaluator.js';

const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh']);

/**
 * Follows a wrapper script for the arguments kubectl passes it: shell variables, `export`,
 * `set --`, `shift`, a TXT lookup of one argument (`dig`, `host`, `nslookup`, `drill`, piped
 * through text filters), an `if [ -z ... ]` fallback to the argument, and one call of aws or
 * aws-iam-authenticator. undefined: the script calls neither; a string: why it cannot be followed.
 */
export function evaluateWrapperScript(script: string, args: string[]): WrapperCall | string | undefined {
  if (!/(?:^|[\s/"'])(?:aws|aws-iam-authenticator)(?=[\s"']|$)/m.test(script)) return undefined;
  const shebang = /^#!\s*(\S+)(?:\s+(\S+))?\s*$/.exec(script.split('\n')[0] ?? '');
  const shell = shebang && basename(shebang[1] ?? '') === 'env' ? shebang[2] : shebang?.[1];
  if (!shell || !SHELLS.has(basename(shell))) return 'it is not a sh or bash script';
  const tokens = shellTokens(script.replace(/^#!.*/, ''));
  if (!tokens)
    return 'it uses shell syntax eks-token does not follow (backslashes, backquotes, globs, redirections)';
  return new WrapperEvaluator(args).run(commands(tokens));
}

// Commands split at `;` and newlines, each a list of words and `&&`/`||`/`|` operators.
function commands(tokens: ShellToken[]): ShellToken[][] {
  const out: ShellToken[][] = [[]];
  for (const token of tokens) {
    if ('op' in token && (token.op === ';' || token.op === '\n')) out.push([]);
    else out.at(-1)?.push(token);
  }
  return out.filter((c) => c.length > 0);
}
