import { basename } from 'node:path';
import { NotFollowed, ScriptVariables } from './ScriptVariables.js';
import { literalOf, type ShellToken, type WordPart } from './shellTokens.js';
import type { StoredExec } from './translateAwsExec.js';

/** The call a wrapper script makes; `txt`: the argument that is a DNS name's TXT record. */
export interface WrapperCall extends StoredExec {
  txt?: { index: number; name: string; fallback: boolean };
}

const TOOLS = new Set(['aws', 'aws-iam-authenticator']);

/**
 * Runs a wrapper script's commands in order: simple commands on its ScriptVariables, an
 * `if [ -z ... ]` or `[ -z ... ] &&` fallback of the looked-up name to itself, and the one call of
 * aws or aws-iam-authenticator, after which nothing may run.
 */
export class WrapperEvaluator {
  private readonly variables: ScriptVariables;
  private call: WrapperCall | undefined;
  private pendingIf: string | undefined;
  private inThen: string | undefined;

  constructor(args: string[]) {
    this.variables = new ScriptVariables(args);
  }

  /** The call the commands make, or why they cannot be followed. */
  run(list: ShellToken[][]): WrapperCall | string {
    try {
      for (const command of list) this.command(command);
      if (this.pendingIf || this.inThen) throw new NotFollowed('an if without its fi');
      if (!this.call)
        throw new NotFollowed('it calls neither aws nor aws-iam-authenticator with its arguments');
      return this.call;
    } catch (error) {
      if (error instanceof NotFollowed) return error.message;
      throw error;
    }
  }

  private command(tokens: ShellToken[]): void {
    if (this.call) throw new NotFollowed(`it runs ${describe(tokens)} after calling ${this.call.command}`);
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
    if (this.pendingIf) throw new NotFollowed('an if eks-token does not follow');
    this.simple(words.map((w) => w.word));
  }

  // `[ -z "$V" ] && V=...` and `[ -n "$V" ] || V=...`: the fallback when the lookup is empty.
  private conditional(tokens: ShellToken[]): void {
    const at = tokens.findIndex((t) => 'op' in t);
    const op = (tokens[at] as { op: string }).op;
    const test = tokens.slice(0, at).map((t) => ('word' in t ? t.word : []));
    const body = tokens.slice(at + 1);
    if ((op !== '&&' && op !== '||') || body.some((t) => 'op' in t))
      throw new NotFollowed(`it runs ${describe(tokens)}, which eks-token does not follow`);
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
    throw new NotFollowed(`it tests ${text.join(' ')}, which eks-token does not follow`);
  }

  // `V=<the argument the lookup was for>` when V is empty: the script's literal fallback.
  private fallback(variable: string, words: Array<{ word: WordPart[] }>): void {
    const assignment = words[0] && words.length === 1 ? this.variables.assignment(words[0].word) : undefined;
    const current = this.variables.vars.get(variable);
    if (
      assignment?.name === variable &&
      current &&
      'txt' in current &&
      'literal' in assignment.value &&
      assignment.value.literal === current.txt
    ) {
      this.variables.vars.set(variable, { txt: current.txt, fallback: true });
      return;
    }
    throw new NotFollowed(
      `it sets ${variable} when it is empty to something other than the name it looked up`,
    );
  }

  // Any command but a variable's change must be the tool's call, with at most one TXT lookup.
  private simple(words: WordPart[][]): void {
    if (this.variables.apply(words)) return;
    const call = literalOf(words[0]) === 'exec' ? words.slice(1) : words;
    const command = literalOf(call[0]);
    if (command === undefined || !TOOLS.has(basename(command)))
      throw new NotFollowed(`it runs ${command ?? 'a computed command'}, which eks-token does not follow`);
    const values = this.variables.expand(call.slice(1));
    const lookups = values.flatMap((v, index) =>
      'txt' in v ? [{ index, name: v.txt, fallback: v.fallback }] : [],
    );
    if (lookups.length > 1) throw new NotFollowed('it passes more than one TXT lookup');
    this.call = {
      command,
      args: values.map((v) => ('literal' in v ? v.literal : v.txt)),
      env: this.variables.env,
      ...(lookups[0] ? { txt: lookups[0] } : {}),
    };
  }
}

function describe(tokens: ShellToken[]): string {
  const first = tokens.find((t) => 'word' in t);
  return (first && 'word' in first && literalOf(first.word)) || 'a command';
}
