/** Quotes an untrusted value for a one-line message: JSON-escaped, non-ASCII escaped, truncated. */
export function quoteValue(value: Buffer | string, maxChars = 64): string {
  const text = typeof value === 'string' ? value : value.toString('utf8');
  const shown = text.length > maxChars ? text.slice(0, maxChars) : text;
  // Escaping everything outside printable ASCII keeps terminal control and bidi characters inert.
  const quoted = JSON.stringify(shown).replace(
    /[^\x20-\x7e]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return text.length > maxChars ? `${quoted}... (${text.length} characters)` : quoted;
}

/** Text from another process made inert for a terminal: all but printable ASCII and newlines escaped. */
export function inertText(text: string): string {
  return text.replace(/[^\x20-\x7e\n]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
