import { homedir } from 'node:os';

type Env = Record<string, string | undefined>;

/** The config and credentials paths as the AWS CLI finds them: the variables, `$VAR` and `~` expanded. */
export function awsFilePaths(env: Env): { config: string; credentials: string } {
  const home = env.HOME || homedir();
  return {
    config: expandPath(env.AWS_CONFIG_FILE || '~/.aws/config', env, home),
    credentials: expandPath(env.AWS_SHARED_CREDENTIALS_FILE || '~/.aws/credentials', env, home),
  };
}

// Python's os.path.expandvars then expanduser (for `~` and `~/`; `~user` stays as written).
function expandPath(path: string, env: Env, home: string): string {
  const expanded = path.replace(/\$(\w+|\{[^}]*\})/g, (whole, name: string) => {
    const value = env[name.startsWith('{') ? name.slice(1, -1) : name];
    return value === undefined ? whole : value;
  });
  if (expanded !== '~' && !expanded.startsWith('~/')) return expanded;
  return `${home.replace(/\/+$/, '')}${expanded.slice(1)}` || '/';
}
