/** A piece of a shell word: literal text, a `$NAME`/`${...}` expansion, or a `$(...)` substitution. */
export type WordPart = { text: string } | { param: string } | { subst: string };

/** A shell token: a word (its parts) or an operator (`;`, newline, `|`, `&&`, `||`). */
export type ShellToken = { word: WordPart[]; quoted: boolean } | { op: string };

/**
 * Splits a small shell script into words and operators, with '...' and "..." quoting, `$N`,
 * `$NAME`, `${...}` and `$(...)`; undefined for anything else a shell would treat specially
 * (backslashes, backquotes, globs, redirections, subshells, here-documents).
 */
export function shellTokens(script: string): ShellToken[] | undefined {
  const tokens: ShellToken[] = [];
  let i = 0;
  while (i < script.length) {
    const c = script[i] ?? '';
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '#') {
      while (i < script.length && script[i] !== '\n') i++;
    } else if (c === '\n' || c === ';') {
      tokens.push({ op: c === ';' ? ';' : '\n' });
      i++;
    } else if (script.startsWith('&&', i) || script.startsWith('||', i)) {
      tokens.push({ op: script.slice(i, i + 2) });
      i += 2;
    } else if (c === '|') {
      tokens.push({ op: '|' });
      i++;
    } else {
      const word = readWord(script, i);
      if (!word) return undefined;
      tokens.push({ word: word.parts, quoted: word.quoted });
      i = word.end;
    }
  }
  return tokens;
}

function readWord(s: string, start: number): { parts: WordPart[]; end: number; quoted: boolean } | undefined {
  const bracket = /^(?:\[\[?|\]\]?)(?=[\s;]|$)/.exec(s.slice(start))?.[0];
  if (bracket) return { parts: [{ text: bracket }], end: start + bracket.length, quoted: false };
  const parts: WordPart[] = [];
  let i = start;
  let quoted = false;
  let inDouble = false;
  const text = (t: string) => {
    const last = parts.at(-1);
    if (last && 'text' in last) last.text += t;
    else parts.push({ text: t });
  };
  while (i < s.length) {
    const c = s[i] ?? '';
    if (!inDouble && /[\s;|&]/.test(c)) break;
    if (c === '"') {
      inDouble = !inDouble;
      quoted = true;
      if (!inDouble) text('');
      i++;
    } else if (c === "'" && !inDouble) {
      const close = s.indexOf("'", i + 1);
      if (close < 0) return undefined;
      text(s.slice(i + 1, close));
      quoted = true;
      i = close + 1;
    } else if (c === '$') {
      const expansion = readExpansion(s, i);
      if (!expansion) return undefined;
      parts.push(expansion.part);
      i = expansion.end;
    } else if (/[\\`<>(){}*?[\]~]/.test(c) && !(inDouble && /[(){}*?[\]~<>]/.test(c))) {
      return undefined;
    } else {
      text(c);
      i++;
    }
  }
  if (inDouble) return undefined;
  return {
    parts: parts.filter((p) => !('text' in p) || p.text !== '' || parts.length === 1),
    end: i,
    quoted,
  };
}

function readExpansion(s: string, at: number): { part: WordPart; end: number } | undefined {
  const next = s[at + 1] ?? '';
  if (next === '(') {
    // The substitution's own quotes may hold parentheses; count only those outside quotes.
    let depth = 0;
    let quote = '';
    for (let i = at + 1; i < s.length; i++) {
      const c = s[i];
      if (quote) {
        if (c === quote) quote = '';
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '(') depth++;
      else if (c === ')' && --depth === 0) return { part: { subst: s.slice(at + 2, i) }, end: i + 1 };
    }
    return undefined;
  }
  if (next === '{') {
    const close = s.indexOf('}', at);
    if (close < 0) return undefined;
    return { part: { param: s.slice(at + 2, close) }, end: close + 1 };
  }
  const name = /^(?:[0-9@]|[A-Za-z_][A-Za-z0-9_]*)/.exec(s.slice(at + 1))?.[0];
  return name ? { part: { param: name }, end: at + 1 + name.length } : undefined;
}

/** A word's text when it is all literal (no expansion), else undefined. */
export function literalOf(word: WordPart[] | undefined): string | undefined {
  if (!word || word.some((p) => !('text' in p))) return undefined;
  return word.map((p) => ('text' in p ? p.text : '')).join('');
}
