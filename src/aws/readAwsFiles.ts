import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { EksTokenError } from '../shared/EksTokenError.js';
import { awsFilePaths } from './awsFilePaths.js';
import { type IniOption, parseAwsIni, parseNestedValue } from './parseAwsIni.js';
import { shellWords } from './shellWords.js';

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
 * Reads both AWS files with botocore's semantics. `contents` stands in for a file's text (tests, or a
 * caller that already holds it). A file that is not a regular file is skipped as botocore skips it,
 * and opened without blocking, so a FIFO never holds the reader. Throws E_AWS_FILE, naming the file
 * and line, where the AWS CLI refuses a file; reads on past a BOM with a note.
 */
export async function readAwsFiles(env: Env, contents: { config?: string; credentials?: string } = {}) {
  const paths = awsFilePaths(env);
  const notes: string[] = [];
  const config = await readOne(paths.config, 'config', contents.config, notes);
  const credentials = await readOne(paths.credentials, 'credentials', contents.credentials, notes);
  return { config, credentials, notes } satisfies AwsFiles;
}

async function readOne(
  path: string,
  kind: 'config' | 'credentials',
  given: string | undefined,
  notes: string[],
): Promise<AwsFile> {
  const file: AwsFile = {
    path,
    exists: false,
    profiles: new Map(),
    ssoSessions: new Map(),
    services: new Map(),
  };
  const bytes = given === undefined ? await readRegularFile(path, notes) : Buffer.from(given, 'utf8');
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
      // botocore's _parse_section: shell words, and only `<prefix> <name>` counts ([profile  a ] is a).
      const words = shellWords(section.name);
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

// The file's bytes, or undefined when there is no regular file (O_NONBLOCK: a FIFO is not waited on).
async function readRegularFile(path: string, notes: string[]): Promise<Buffer | undefined> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
    // configparser skips a file it cannot open, and so does the AWS CLI.
    notes.push(`cannot read ${path} (${code ?? 'error'}); reading on without it, as the AWS CLI does`);
    return undefined;
  }
  try {
    if (!(await handle.stat()).isFile()) return undefined;
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}
