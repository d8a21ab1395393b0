import { literalOf, type WordPart } from './shellTokens.js';
import type { StoredExec } from './translateAwsExec.js';
import { txtLookupName } from './txtLookupName.js';

/** Why a wrapper script cannot be followed: evaluateWrapperScript returns its message. */
export class NotFollowed extends Error {}

/**
 * What a wrapper script computes: a literal, or the TXT record of a name (`fallback`: the script
 * uses the name itself when the record is empty).
 */
export type ScriptValue = { literal: string } | { txt: string; fallback: boolean };

/**
 * A wrapper script's positional parameters, shell variables and exports as its simple commands set
 * them, and its words expanded with them; anything it cannot tell in advance throws NotFollowed.
 */
export class ScriptVariables {
  positionals: ScriptValue[];
  readonly vars = new Map<string, ScriptValue>();
  readonly env: StoredExec['env'] = [];

  constructor(args: string[]) {
    this.positionals = args.map((literal) => ({ literal }));
  }

  /** Runs `set --`, `set -e` and the like, `shift`, `export V=...` or `V=...`; false for any other command. */
  apply(words: WordPart[][]): boolean {
    const [first, ...rest] = words.map((w) => literalOf(w));
    if (first === 'set' && rest[0] === '--') {
      this.positionals = this.expand(words.slice(2));
      return true;
    }
    if (
      first === 'set' &&
      rest.every((w) => w !== undefined && (/^[-+][euxo]+$/.test(w) || w === 'pipefail'))
    )
      return true;
    if (first === 'shift' && words.length <= 2) {
      this.positionals = this.positionals.slice(Number(rest[0] ?? '1'));
      return true;
    }
    if (first === 'export' && words.length === 2) {
      const assignment = this.assignment(words[1] ?? []);
      if (!assignment || !('literal' in assignment.value))
        throw new NotFollowed('it exports a value eks-token cannot tell in advance');
      this.env.push({ name: assignment.name, value: assignment.value.literal });
      return true;
    }
    const assignment = words[0] && words.length === 1 ? this.assignment(words[0]) : undefined;
    if (!assignment) return false;
    // Bash passes a changed inherited variable on, export or not; eks-token cannot tell which.
    if (/^(AWS|KUBERNETES)_/.test(assignment.name))
      throw new NotFollowed(`it sets ${assignment.name} without export`);
    this.vars.set(assignment.name, assignment.value);
    return true;
  }

  /** The variable and value of a `NAME=value` word, undefined for any other word. */
  assignment(word: WordPart[]): { name: string; value: ScriptValue } | undefined {
    const head = word[0];
    const match = head && 'text' in head ? /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(head.text) : null;
    const name = match?.[1];
    if (!match || !name) return undefined;
    const rest: WordPart[] = match[2] ? [{ text: match[2] }, ...word.slice(1)] : word.slice(1);
    if (rest.length === 0) return { name, value: { literal: '' } };
    const only = rest.length === 1 ? rest[0] : undefined;
    if (only && 'subst' in only) return { name, value: this.lookup(only.subst) };
    const [value] = this.expand([rest]);
    if (!value) throw new NotFollowed(`it sets ${name} to nothing`);
    return { name, value };
  }

  /** Each word's values: "$@" and "${@:a:b}" expand to the arguments, anything else to one value. */
  expand(words: WordPart[][]): ScriptValue[] {
    return words.flatMap((word): ScriptValue[] => {
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
        if ('subst' in part) throw new NotFollowed('it uses a command substitution inside a longer word');
        const value = this.param(part.param);
        if ('txt' in value) throw new NotFollowed('it uses the TXT record inside a longer word');
        return value.literal;
      });
      return [{ literal: parts.join('') }];
    });
  }

  // `${V:-$1}` is followed only as the lookup's fallback to the name it looked up.
  private param(name: string): ScriptValue {
    const fallback = /^([A-Za-z_][A-Za-z0-9_]*):?-\$\{?(\w+)\}?$/.exec(name);
    if (fallback) {
      const value = this.param(fallback[1] ?? '');
      const other = this.param(fallback[2] ?? '');
      if ('txt' in value && 'literal' in other && other.literal === value.txt)
        return { txt: value.txt, fallback: true };
      throw new NotFollowed(`it uses \${${name}}, which eks-token does not follow`);
    }
    if (/^[1-9]$/.test(name)) return this.positionals[Number(name) - 1] ?? { literal: '' };
    const value = this.vars.get(name);
    if (!value) throw new NotFollowed(`it uses $${name}, which it does not set`);
    return value;
  }

  // `$(dig +short -t TXT "$3" | tr -d '"')`: the TXT record of the name in "$3".
  private lookup(text: string): ScriptValue {
    const lookup = txtLookupName(text, (word) => {
      const value = this.expand([word])[0];
      return value && 'literal' in value ? value.literal : undefined;
    });
    if ('reason' in lookup) throw new NotFollowed(lookup.reason);
    return { txt: lookup.name, fallback: false };
  }
}
