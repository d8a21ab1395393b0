import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { EksTokenError, isEksTokenError, oneLine } from '../shared/EksTokenError.js';
import { redact } from '../shared/redact.js';
import { type ChainLink, checkProfileChain } from './checkProfileChain.js';
import { emptyCredentialSource } from './emptyCredentialSource.js';
import { type AwsFiles, readAwsFiles } from './readAwsFiles.js';
import { plainValue } from './readAwsProfile.js';
import { shlexSplit } from './shlexSplit.js';

type Env = Record<string, string | undefined>;

/**
 * After the SDK found no credentials: names the cause the AWS CLI would name, from the source
 * botocore takes at the end of the profile's chain (`checkProfileChain`) and the SDK's own notes. A
 * named profile that is in neither file, a chain aws stops at, the credential_process helper
 * missing, not executable, failing or printing no JSON; a credential_source with nothing in it (when
 * `chainFailed`: no source answered). Undefined when none of these.
 */
export async function diagnoseProfile(
  profile: string,
  o: { explicit: boolean; env: Env; sdkMessages: string[]; chainFailed?: boolean },
): Promise<EksTokenError | undefined> {
  let files: AwsFiles;
  let source: ChainLink | undefined;
  try {
    files = readAwsFiles(o.env);
    // The source botocore takes, at the end of the chain (checked before the SDK ran).
    source = checkProfileChain(files, profile).at(-1);
  } catch (error) {
    return isEksTokenError(error) && error.code !== 'E_AWS_FILE' ? error : undefined;
  }
  if (!source) {
    if (!o.explicit) return undefined;
    return new EksTokenError(
      'E_PROFILE_NOT_FOUND',
      `profile ${profile} is in neither ${files.config.path} nor ${files.credentials.path}`,
      'check the name (aws configure list-profiles), or AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE',
    );
  }
  const { name, settings } = source.profile;
  const helper = plainValue(settings.credential_process);
  if (source.kind === 'process' && helper !== undefined)
    return diagnoseHelper(helper, name, o.env, o.sdkMessages);
  const credentialSource = plainValue(settings.credential_source);
  if (source.kind === 'role' && credentialSource !== undefined && o.chainFailed)
    return emptyCredentialSource(credentialSource, name);
  return undefined;
}

async function diagnoseHelper(
  commandLine: string,
  profile: string,
  env: Env,
  sdkMessages: string[],
): Promise<EksTokenError | undefined> {
  const program = firstWord(commandLine);
  const where = `credential_process ${program} of profile ${profile}`;
  const found = await findProgram(program, env.PATH ?? '');
  if (found === 'missing') {
    return new EksTokenError(
      'E_CREDENTIAL_PROCESS_NOT_FOUND',
      `${where}: not found${program.includes('/') ? '' : ' on PATH'}`,
      'install the helper or fix the path in the profile',
    );
  }
  if (found === 'not-executable') {
    return new EksTokenError(
      'E_CREDENTIAL_PROCESS_NOT_EXECUTABLE',
      `${where}: not executable`,
      `chmod +x ${program}, or fix the path in the profile`,
    );
  }
  // The SDK's reason for this helper: "Command failed: CMD\n<its stderr>" or a note on its output.
  const note = [...sdkMessages]
    .reverse()
    .find((m) => m.includes('Command failed: ') || m.includes('credential_process'));
  if (note === undefined) return undefined;
  if (/invalid JSON/i.test(note)) {
    // What it printed is never repeated: it may hold a secret.
    return new EksTokenError(
      'E_CREDENTIAL_PROCESS_NO_JSON',
      `${where} printed no JSON`,
      'run the helper by hand: it must print {"Version": 1, "AccessKeyId": ..., "SecretAccessKey": ...}',
    );
  }
  const failed = note.indexOf('Command failed: ');
  if (failed < 0) {
    // The SDK's own sentence on the output ("Profile P credential_process did not return Version 1.").
    const said = note
      .replace(/^.*?-> /, '')
      .replace(/^Profile \S+ credential_process /, '')
      .replace(/\.$/, '');
    return new EksTokenError(
      'E_CREDENTIAL_PROCESS_FAILED',
      `${where} ${redact(oneLine(said)).slice(0, 300)}`,
      'run the helper by hand to see why',
    );
  }
  const first = note
    .slice(failed)
    .split('\n')
    .slice(1)
    .map((l) => l.trim())
    .find(Boolean);
  return new EksTokenError(
    'E_CREDENTIAL_PROCESS_FAILED',
    `${where} failed${first ? `: ${redact(oneLine(first)).slice(0, 300)}` : ' (nothing on stderr)'}`,
    'run the helper by hand to see why',
  );
}

// The program of a command line, split as botocore splits it (shlex.split).
function firstWord(commandLine: string): string {
  return shlexSplit(commandLine)?.[0] ?? commandLine.trim().split(/\s+/)[0] ?? '';
}

async function findProgram(program: string, path: string): Promise<'ok' | 'missing' | 'not-executable'> {
  const candidates = program.includes('/')
    ? [program]
    : path
        .split(delimiter)
        .filter(Boolean)
        .map((d) => join(d, program));
  let seen = false;
  for (const file of candidates) {
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) continue;
    seen = true;
    if (
      await access(file, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return 'ok';
  }
  return seen ? 'not-executable' : 'missing';
}
