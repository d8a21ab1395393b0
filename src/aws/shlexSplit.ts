/**
 * Python's shlex.split (POSIX mode), which botocore applies to `[profile ...]` headers and
 * credential_process command lines: words split at spaces, tabs and line ends; single quotes literal;
 * double quotes where `\` escapes `"` and `\`; `\` escapes the next character outside quotes.
 * Undefined where shlex raises (an open quote, a `\` at the end).
 */
export function shlexSplit(text: string): string[] | undefined {
  const words: string[] = [];
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] ?? '';
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else word = `${word ?? ''}${char}`;
    } else if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\'))
        word = `${word ?? ''}${text[++i]}`;
      else word = `${word ?? ''}${char}`;
    } else if (char === ' ' || char === '\t' || char === '\r' || char === '\n') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (char === "'" || char === '"') {
      quote = char;
      word ??= '';
    } else if (char === '\\') {
      if (i + 1 >= text.length) return undefined;
      word = (word ?? '') + text[++i];
    } else word = (word ?? '') + char;
  }
  if (quote) return undefined;
  if (word !== undefined) words.push(word);
  return words;
}
