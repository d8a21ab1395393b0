/** One option of a section: its value as configparser joins it, and the line it starts on. */
export interface IniOption {
  value: string;
  line: number;
}

/** A section as written: its raw name (case and spaces kept), first line and options (names lower case). */
export interface IniSection {
  name: string;
  line: number;
  options: Map<string, IniOption>;
}

/** Why the AWS CLI refuses a file, at which line. */
export interface IniRefusal {
  line: number;
  problem: string;
}

/** A file read as Python's RawConfigParser (as botocore configures it) reads it. */
export interface ParsedIni {
  /** In file order; `[DEFAULT]`'s options are already in each section, as configparser hands them out. */
  sections: IniSection[];
  /** The first reason configparser would refuse the file, if any. */
  refusal?: IniRefusal;
}

// Python's str.isspace() set, which strip() and the regular expressions' \s and \S use. JavaScript's
// \s differs: it has U+FEFF (so a BOM would vanish) and lacks U+001C-U+001F and U+0085.
const WS = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const STRIP = new RegExp(`^[${WS}]+|[${WS}]+$`, 'g');
const RSTRIP = new RegExp(`[${WS}]+$`);
const NON_SPACE = new RegExp(`[^${WS}]`);
const SECTION = /^\[(.+)\]/s;
const OPTION = new RegExp(`^(.*?)[${WS}]*(=|:)[${WS}]*(.*)$`, 's');

/** Python's str.strip(). */
export function pyStrip(text: string): string {
  return text.replace(STRIP, '');
}

/**
 * Parses AWS config or credentials text exactly as botocore's RawConfigParser does: `=` and `:`
 * delimiters, option names lower-cased, `#`/`;` comments only on their own line, indented lines
 * continuing the value above (blank lines kept inside), `[DEFAULT]` options inherited by every
 * section, and strict mode's refusals (a duplicate section or option, text before the first section,
 * a line without a delimiter). Lines end at LF, CRLF or CR (Python's universal newlines).
 */
export function parseAwsIni(text: string): ParsedIni {
  const sections: IniSection[] = [];
  const defaults = new Map<string, IniOption>();
  const seen = new Set<string>();
  let current: Map<string, IniOption> | undefined;
  let sectionName = '';
  let option: { name: string; parts: string[]; line: number } | undefined;
  let indent = 0;
  let refusal: IniRefusal | undefined;
  const parts = new Map<IniOption, string[]>();
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.at(-1) === '') lines.pop();
  for (let i = 0; i < lines.length && !refusal; i++) {
    const raw = lines[i] ?? '';
    const lineNo = i + 1;
    const stripped = pyStrip(raw);
    const isComment = stripped.startsWith('#') || stripped.startsWith(';');
    if (isComment || !stripped) {
      // A blank line belongs to the value above (kept, trimmed at the end); a comment line does not.
      if (!isComment && current && option) option.parts.push('');
      continue;
    }
    const level = raw.search(NON_SPACE);
    if (current && option && level > indent) {
      option.parts.push(stripped);
      continue;
    }
    indent = level;
    const header = SECTION.exec(stripped);
    if (header) {
      sectionName = header[1] ?? '';
      option = undefined;
      if (sectionName === 'DEFAULT') {
        current = defaults;
        continue;
      }
      if (seen.has(`[${sectionName}`)) {
        refusal = { line: lineNo, problem: `section [${sectionName}] appears a second time` };
        break;
      }
      seen.add(`[${sectionName}`);
      current = new Map();
      sections.push({ name: sectionName, line: lineNo, options: current });
      continue;
    }
    if (!current) {
      refusal = { line: lineNo, problem: 'text before the first [section] header' };
      break;
    }
    const match = OPTION.exec(stripped);
    const name = match?.[1]?.replace(RSTRIP, '').toLowerCase();
    if (!match || !name) {
      refusal = { line: lineNo, problem: 'a line that is not "name = value", a [section] or a comment' };
      break;
    }
    const key = `${sectionName}\n${name}`;
    if (seen.has(key)) {
      refusal = { line: lineNo, problem: `option ${name} appears a second time in [${sectionName}]` };
      break;
    }
    seen.add(key);
    option = { name, parts: [pyStrip(match[3] ?? '')], line: lineNo };
    const entry = { value: '', line: lineNo };
    parts.set(entry, option.parts);
    current.set(name, entry);
  }
  // configparser joins a value's lines with "\n" and strips trailing whitespace (blank lines).
  for (const [entry, lineParts] of parts) entry.value = lineParts.join('\n').replace(RSTRIP, '');
  for (const section of sections)
    for (const [name, value] of defaults) if (!section.options.has(name)) section.options.set(name, value);
  return refusal ? { sections, refusal } : { sections };
}

/**
 * botocore's nested value (`s3 =` followed by indented `name = value` lines): names as written,
 * split at the first `=` only. Undefined for a plain value; a string when a line has no `=`.
 */
export function parseNestedValue(value: string): Record<string, string> | string | undefined {
  if (!value.startsWith('\n')) return undefined;
  const nested: Record<string, string> = {};
  for (const line of value.split('\n')) {
    const text = pyStrip(line);
    if (!text) continue;
    const at = text.indexOf('=');
    // The line itself is not repeated: it may hold a secret.
    if (at < 0) return `a line of the nested value has no "="`;
    nested[pyStrip(text.slice(0, at))] = pyStrip(text.slice(at + 1));
  }
  return nested;
}
