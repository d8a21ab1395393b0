import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { EksTokenError } from './EksTokenError.js';
import { unreadableAwsFile } from './readRegularFile.js';

/** The AWS config and credentials files a caller's environment points at. */
export interface AwsFiles {
  config: string;
  credentials: string;
}

/**
 * The files as the SDK would find them in the caller's process: AWS_CONFIG_FILE and
 * AWS_SHARED_CREDENTIALS_FILE with `~/` expanded, else under the caller's HOME (not the daemon's);
 * a relative path is taken from the caller's working directory.
 */
export function awsFilePaths(env: Record<string, string | undefined>, cwd?: string): AwsFiles {
  const home = env.HOME || homedir();
  return {
    config: callerPath(env.AWS_CONFIG_FILE || join(home, '.aws', 'config'), home, cwd),
    credentials: callerPath(env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials'), home, cwd),
  };
}

/** A path as the caller's process would open it: `~/` under its HOME, relative from its cwd (or as is). */
export function callerPath(path: string, home: string, cwd: string | undefined): string {
  if (path.startsWith('~/')) return join(home, path.slice(2));
  return isAbsolute(path) || cwd === undefined ? path : resolve(cwd, path);
}

/**
 * E_AWS_FILE when an AWS file of this environment (config, credentials, web identity token) is not
 * a regular file or is too large: the AWS SDK would block on a FIFO for good, or read a huge file
 * into memory. Undefined when all can be read (or are absent).
 */
export function awsFileProblem(env: Record<string, string | undefined>): EksTokenError | undefined {
  const { config, credentials } = awsFilePaths(env);
  const paths = [config, credentials];
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE) paths.push(env.AWS_WEB_IDENTITY_TOKEN_FILE);
  for (const path of paths) {
    const problem = unreadableAwsFile(path);
    if (problem) return problem;
  }
  return undefined;
}
