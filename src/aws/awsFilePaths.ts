import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import type { EksTokenError } from '../shared/EksTokenError.js';
import { unreadableAwsFile } from '../shared/readRegularFile.js';

type Env = Record<string, string | undefined>;

/** The AWS config and credentials files a caller's environment points at. */
export interface AwsFiles {
  config: string;
  credentials: string;
}

/**
 * The config and credentials paths as the AWS CLI finds them in the caller's process: the variables
 * with `$VAR` and `~` expanded, else under the caller's HOME (not the daemon's); a relative path is
 * taken from the caller's working directory when it is known.
 */
export function awsFilePaths(env: Env, cwd?: string): AwsFiles {
  const home = env.HOME || homedir();
  return {
    config: callerPath(env.AWS_CONFIG_FILE || '~/.aws/config', home, cwd, env),
    credentials: callerPath(env.AWS_SHARED_CREDENTIALS_FILE || '~/.aws/credentials', home, cwd, env),
  };
}

/**
 * A path as the caller's process would open it: Python's os.path.expandvars then expanduser (`~`,
 * `~/` and `~user/`, a user /etc/passwd knows), then relative from its cwd (or as is).
 */
export function callerPath(path: string, home: string, cwd: string | undefined, env: Env = {}): string {
  let expanded = path.replace(/\$(\w+|\{[^}]*\})/g, (whole, name: string) => {
    const value = env[name.startsWith('{') ? name.slice(1, -1) : name];
    return value === undefined ? whole : value;
  });
  const tilde = /^~([^/]*)(.*)$/s.exec(expanded);
  const dir = tilde ? (tilde[1] ? passwdHome(tilde[1]) : home) : undefined;
  if (tilde && dir !== undefined) expanded = `${dir.replace(/\/+$/, '')}${tilde[2]}` || '/';
  return isAbsolute(expanded) || cwd === undefined ? expanded : resolve(cwd, expanded);
}

// A user's home directory as Python's pwd module gives it (the files database only); undefined
// when the user is unknown, and the path then stays as written, as expanduser leaves it.
function passwdHome(user: string): string | undefined {
  let passwd: string;
  try {
    passwd = readFileSync('/etc/passwd', 'utf8');
  } catch {
    return undefined;
  }
  for (const line of passwd.split('\n')) {
    const fields = line.split(':');
    if (fields[0] === user && fields.length >= 7) return fields[5];
  }
  return undefined;
}

/**
 * E_AWS_FILE when an AWS file of this environment (config, credentials, web identity token) is not
 * a regular file or is too large: the AWS SDK would block on a FIFO for good, or read a huge file
 * into memory. Undefined when all can be read (or are absent).
 */
export function awsFileProblem(env: Env): EksTokenError | undefined {
  const { config, credentials } = awsFilePaths(env);
  const paths = [config, credentials];
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE) paths.push(env.AWS_WEB_IDENTITY_TOKEN_FILE);
  for (const path of paths) {
    const problem = unreadableAwsFile(path);
    if (problem) return problem;
  }
  return undefined;
}
