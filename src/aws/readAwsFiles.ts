import { EksTokenError } from '../shared/EksTokenError.js';
import { readRegularFile } from '../shared/readRegularFile.js';
import { awsFilePaths } from './awsFilePaths.js';
import { type IniOption, parseAwsIni, parseNestedValue } from './parseAwsIni.js';
import { shlexSplit } from './shlexSplit.js';

type Env = Record<string, string | undefined>;

/** One setting as botocore reads it, and where it was written. */
export interface AwsSetting {
  /** A plain value, or the `name = value` pairs of a nested block (`s3 =` + indented lines). */
  value: string | Record<string, string>;
  file: string;
  line: number;
}

/** A section's settings by lower-case name. */
export type AwsSection = Record<string, AwsSetting>;

/** One AWS file as botocore reads it: profiles, `[sso-session]` and `[services]` sections by name. */
export interface AwsFile {
  path: string;
  /** False when there is no regular file at the path (missing, a directory, a FIFO): botocore skips it. */
  exists: boolean;
  profiles: Map<string, AwsSection>;
  ssoSessions: Map<string, AwsSection>;
  services: Map<string, AwsSection>;
}

/** Both files, and what eks-token read differently from the AWS CLI on purpose. */
export interface AwsFiles {
  config: AwsFile;
  credentials: AwsFile;
  notes: string[];
}

/**
 * Reads both AWS files with botocore's semantics (`cwd`: the caller's directory, for relative paths).
 * `contents` stands in for a file's text (tests, or a caller that already holds it). Files are read
 * with `readRegularFile`: never blocking; what is not a regular file or cannot be opened is skipped
 * as botocore skips it, with a note; a file over 1 MiB is E_AWS_FILE. Throws E_AWS_FILE, naming the
 * file and line, where the AWS CLI refuses a file; reads on past a BOM with a note.
 */
export function readAwsFiles(
  env: Env,
  contents: { config?: string; credentials?: string } = {},
  cwd?: string,
): AwsFiles {
  const paths = awsFilePaths(env, cwd);
  const notes: string[] = [];
  const config = readOne(paths.config, 'config', contents.config, notes);
  const credentials = readOne(paths.credentials, 'credentials', contents.credentials, notes);
  return { config, credentials, notes };
}

function readOne(
  path: string,
  kind: 'config' | 'credentials',
  given: string | undefined,
  notes: string[],
): AwsFile {
  const file: AwsFile = {
    path,
    exists: false,
    profiles: new Map(),
    ssoSessions: new Map(),
    services: new Map(),
  };
  // configparser skips a file it cannot open, and botocore one that is not a file; so does the AWS CLI.
  const skip = (problem: string) =>
    notes.push(`the AWS file ${path} ${problem}; reading on without it, as the AWS CLI does`);
  const bytes = given === undefined ? readRegularFile(path, skip)?.bytes : Buffer.from(given, 'utf8');
  if (!bytes) return file;
  file.exists = true;
  let text = decodeUtf8(bytes, path);
  if (text.startsWith('\ufeff')) {
    // Python reads a BOM as text and refuses the file; editors on Windows write one.
    text = text.slice(1);
    notes.push(`${path} starts with a byte order mark, which the AWS CLI refuses; eks-token ignores it`);
  }
  const parsed = parseAwsIni(text);
  if (parsed.refusal) throw fileError(path, parsed.refusal.line, parsed.refusal.problem);
  for (const section of parsed.sections) {
    const settings: AwsSection = {};
    for (const [name, option] of section.options) settings[name] = settingOf(option, path);
    if (kind === 'credentials') {
      // The credentials file's section names are profile names as written.
      file.profiles.set(section.name, settings);
      continue;
    }
    const target = section.name.startsWith('profile')
      ? file.profiles
      : section.name.startsWith('sso-session')
        ? file.ssoSessions
        : section.name.startsWith('services')
          ? file.services
          : undefined;
    if (target) {
      // botocore's _parse_section: shlex.split, and only `<prefix> <name>` counts ([profile  a ] is a).
      const words = shlexSplit(section.name);
      if (words?.length === 2) target.set(words[1] ?? '', settings);
    } else if (section.name === 'default') file.profiles.set('default', settings);
  }
  return file;
}

function settingOf(option: IniOption, path: string): AwsSetting {
  const nested = parseNestedValue(option.value);
  if (typeof nested === 'string') throw fileError(path, option.line, nested);
  return { value: nested ?? option.value, file: path, line: option.line };
}

/** The E_AWS_FILE error for a file the AWS CLI refuses. */
export function fileError(path: string, line: number, problem: string): EksTokenError {
  return new EksTokenError(
    'E_AWS_FILE',
    `${path} line ${line}: ${problem} (the AWS CLI refuses this file too)`,
    'fix that line',
  );
}

function decodeUtf8(bytes: Buffer, path: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    // Lines end at LF or CR bytes in UTF-8 too: find the first line that does not decode.
    const lines = bytes.toString('latin1').split(/\r\n|\r|\n/);
    const bad = lines.findIndex((l) => Buffer.from(l, 'latin1').toString('utf8').includes('\ufffd'));
    throw fileError(path, bad + 1, 'bytes that are not UTF-8');
  }
}
