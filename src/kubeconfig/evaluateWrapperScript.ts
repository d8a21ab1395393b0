import { basename } from 'node:path';
import { literalOf, type ShellToken, shellTokens, type WordPart } from './shellTokens.js';
import type { StoredExec } from './translateAwsExec.js';
import { txtLookupName } from './txtLookupName.js';

/** The call a wrapper script makes; `txt`: the argument that is a DNS name's TXT record. */
export interface WrapperCall extends StoredExec {
  txt?: { index: number; name: string; fallback: boolean };
}

// What the script computes: a literal, or the TXT record of a name (the name itself when the
// script falls back to it).
type Value = { literal: string } | { txt: string; fallback: boolean };

const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh']);
const TOOLS = new Set(['aws', 'aws-iam-authenticator']);

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
  return new Evaluator(args).run(commands(tokens));
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

class Reason extends Error {}

class Evaluator {
  private positionals: Value[];
  private readonly vars = new Map<string, Value>();
  private readonly env: StoredExec['env'] = [];
  private call: WrapperCall | undefined;
  private pendingIf: string | undefined;
  private inThen: string | undefined;

  constructor(args: string[]) {
    this.positionals = args.map((literal) => ({ literal }));
  }

  run(list: ShellToken[][]): WrapperCall | string {
    try {
      for (const command of list) this.command(command);
      if (this.pendingIf || this.inThen) throw new Reason('an if without its fi');
      if (!this.call) throw new Reason('it calls neither aws nor aws-iam-authenticator with its arguments');
      return this.call;
    } catch (error) {
      if (error instanceof Reason) return error.message;
      throw error;
    }
  }

  private command(tokens: ShellToken[]): void {
    if (this.call) throw new Reason(`it runs ${describe(tokens)} after calling ${this.call.command}`);
    const words = tokens.filter((t): t is Extract<ShellToken, { word: WordPart[] }> => 'word' in t);
    const first = literalOf(words[0]?.word);
    if (tokens.some((t) => 'op' in t)) {
      this.conditional(tokens);
      return;
    }
    if (first === 'if' && !this.pendingIf && !this.inThen) {
      this.pendingIf = this.emptyTest(words.slice(1).map((w) => w.word));
      return;
    }
    if (first === 'then' && this.pendingIf) {
      this.inThen = this.pendingIf;
      this.pendingIf = undefined;
      if (words.length > 1) this.fallback(this.inThen, words.slice(1));
      return;
    }
    if (first === 'fi' && this.inThen && words.length === 1) {
      this.inThen = undefined;
      return;
    }
    if (this.inThen) {
      this.fallback(this.inThen, words);
      return;
    }
    if (this.pendingIf) throw new Reason('an if eks-token does not follow');
    this.simple(words.map((w) => w.word));
  }

  // `[ -z "$V" ] && V=...` and `[ -n "$V" ] || V=...`: the fallback when the lookup is empty.
  private conditional(tokens: ShellToken[]): void {
    const at = tokens.findIndex((t) => 'op' in t);
    const op = (tokens[at] as { op: string }).op;
    const test = tokens.slice(0, at).map((t) => ('word' in t ? t.word : []));
    const body = tokens.slice(at + 1);
    if ((op !== '&&' && op !== '||') || body.some((t) => 'op' in t))
      throw new Reason(`it runs ${describe(tokens)}, which eks-token does not follow`);
    const empty = test[0] && literalOf(test[0]) === 'test' ? test.slice(1) : test;
    const variable = this.emptyTest(empty, op === '||');
    this.fallback(variable, body as Array<{ word: WordPart[] }>);
  }

  // The variable a `[ -z "$V" ]` (or, negated, `[ -n "$V" ]`) test checks.
  private emptyTest(words: WordPart[][], negated = false): string {
    const text = words.map(
      (w) => literalOf(w) ?? (w[0] && w.length === 1 && 'param' in w[0] ? `$${w[0].param}` : '?'),
    );
    const inner =
      text[0] === '[' || text[0] === '[[' ? text.slice(1, -1) : text[0] === 'test' ? text.slice(1) : [];
    const closes = text[0] === 'test' || text.at(-1) === (text[0] === '[[' ? ']]' : ']');
    const flag = negated ? '-n' : '-z';
    if (closes && inner.length === 2 && inner[0] === flag && inner[1]?.startsWith('$'))
      return inner[1].slice(1).replace(/^\{(.*)\}$/, '$1');
    throw new Reason(`it tests ${text.join(' ')}, which eks-token does not follow`);
  }

  // `V=<the argument the lookup was for>` when V is empty: the script's literal fallback.
  private fallback(variable: string, words: Array<{ word: WordPart[] }>): void {
    const assignment = words[0] && words.length === 1 ? this.assignment(words[0].word) : undefined;
    const current = this.vars.get(variable);
    if (
      assignment?.name === variable &&
      current &&
      'txt' in current &&
      'literal' in assignment.value &&
      assignment.value.literal === current.txt
    ) {
      this.vars.set(variable, { txt: current.txt, fallback: true });
      return;
    }
    throw new Reason(`it sets ${variable} when it is empty to something other than the name it looked up`);
  }

  private simple(words: WordPart[][]): void {
    const [first, ...rest] = words.map((w) => literalOf(w));
    if (first === 'set' && rest[0] === '--') {
      this.positionals = this.expand(words.slice(2));
      return;
    }
    if (
      first === 'set' &&
      rest.every((w) => w !== undefined && (/^[-+][euxo]+$/.test(w) || w === 'pipefail'))
    )
      return;
    if (first === 'shift' && words.length <= 2) {
      this.positionals = this.positionals.slice(Number(rest[0] ?? '1'));
      return;
    }
    if (first === 'export' && words.length === 2) {
      const assignment = this.assignment(words[1] ?? []);
      if (!assignment || !('literal' in assignment.value))
        throw new Reason('it exports a value eks-token cannot tell in advance');
      this.env.push({ name: assignment.name, value: assignment.value.literal });
      return;
    }
    const assignment = words[0] && words.length === 1 ? this.assignment(words[0]) : undefined;
    if (assignment) {
      // Bash passes a changed inherited variable on, export or not; eks-token cannot tell which.
      if (/^(AWS|KUBERNETES)_/.test(assignment.name))
        throw new Reason(`it sets ${assignment.name} without export`);
      this.vars.set(assignment.name, assignment.value);
      return;
    }
    const call = first === 'exec' ? words.slice(1) : words;
    const command = literalOf(call[0]);
    if (command === undefined || !TOOLS.has(basename(command)))
      throw new Reason(`it runs ${command ?? 'a computed command'}, which eks-token does not follow`);
    const values = this.expand(call.slice(1));
    const lookups = values.flatMap((v, index) =>
      'txt' in v ? [{ index, name: v.txt, fallback: v.fallback }] : [],
    );
    if (lookups.length > 1) throw new Reason('it passes more than one TXT lookup');
    this.call = {
      command,
      args: values.map((v) => ('literal' in v ? v.literal : v.txt)),
      env: this.env,
      ...(lookups[0] ? { txt: lookups[0] } : {}),
    };
  }

  private assignment(word: WordPart[]): { name: string; value: Value } | undefined {
    const head = word[0];
    const match = head && 'text' in head ? /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(head.text) : null;
    const name = match?.[1];
    if (!match || !name) return undefined;
    const rest: WordPart[] = match[2] ? [{ text: match[2] }, ...word.slice(1)] : word.slice(1);
    if (rest.length === 0) return { name, value: { literal: '' } };
    const only = rest.length === 1 ? rest[0] : undefined;
    if (only && 'subst' in only) return { name, value: this.lookup(only.subst) };
    const [value] = this.expand([rest]);
    if (!value) throw new Reason(`it sets ${name} to nothing`);
    return { name, value };
  }

  // Each word's values: "$@" and "${@:a:b}" expand to the arguments, anything else to one value.
  private expand(words: WordPart[][]): Value[] {
    return words.flatMap((word): Value[] => {
      const only = word.length === 1 ? word[0] : undefined;
      if (only && 'param' in only) {
        const slice = /^@(?::(\d+)(?::(\d+))?)?$/.exec(only.param);
        if (slice) {
          const from = slice[1] === undefined ? 0 : Math.max(Number(slice[1]) - 1, 0);
          return this.positionals.slice(from, slice[2] === undefined ? undefined : from + Number(slice[2]));
        }
        return [this.param(only.param)];
      }
      const parts = word.map((part) => {
        if ('text' in part) return part.text;
        if ('subst' in part) throw new Reason('it uses a command substitution inside a longer word');
        const value = this.param(part.param);
        if ('txt' in value) throw new Reason('it uses the TXT record inside a longer word');
        return value.literal;
      });
      return [{ literal: parts.join('') }];
    });
  }

  private param(name: string): Value {
    const fallback = /^([A-Za-z_][A-Za-z0-9_]*):?-\$\{?(\w+)\}?$/.exec(name);
    if (fallback) {
      const value = this.param(fallback[1] ?? '');
      const other = this.param(fallback[2] ?? '');
      if ('txt' in value && 'literal' in other && other.literal === value.txt)
        return { txt: value.txt, fallback: true };
      throw new Reason(`it uses \${${name}}, which eks-token does not follow`);
    }
    if (/^[1-9]$/.test(name)) return this.positionals[Number(name) - 1] ?? { literal: '' };
    const value = this.vars.get(name);
    if (!value) throw new Reason(`it uses $${name}, which it does not set`);
    return value;
  }

  // `$(dig +short -t TXT "$3" | tr -d '"')`: the TXT record of the name in "$3".
  private lookup(text: string): Value {
    const lookup = txtLookupName(text, (word) => {
      const value = this.expand([word])[0];
      return value && 'literal' in value ? value.literal : undefined;
    });
    if ('reason' in lookup) throw new Reason(lookup.reason);
    return { txt: lookup.name, fallback: false };
  }
}

function describe(tokens: ShellToken[]): string {
  const first = tokens.find((t) => 'word' in t);
  return (first && 'word' in first && literalOf(first.word)) || 'a command';
}
