import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';

/** The `command` a kubeconfig exec user should name for this copy of eks-token, and why. */
export interface CommandName {
  /** `eks-token` when kubectl's PATH lookup finds this copy, else the launcher's absolute path. */
  command: string;
  /** One line for the user saying which and why (no trailing newline). */
  note: string;
}

/**
 * The launcher of the copy whose bundle is at `selfPath` (process.argv[1]): bin/eks-token two levels
 * above the bundle, in a checkout (dist/bundle), an npm package (dist/bundle) and an install.sh
 * prefix (lib/eks-token). In a global npm package it is the PREFIX/bin link npm made, since the
 * launcher looks for node beside the path it was started by.
 */
export function launcherOf(selfPath: string | undefined): string | undefined {
  if (!selfPath) return undefined;
  const root = resolve(dirname(selfPath), '../..');
  const launcher = join(root, 'bin/eks-token');
  if (!isExecutableFile(launcher)) return undefined;
  if (basename(dirname(root)) === 'node_modules' && basename(dirname(dirname(root))) === 'lib') {
    const link = resolve(root, '../../../bin/eks-token');
    if (sameFile(link, launcher)) return link;
  }
  return launcher;
}

/**
 * The file kubectl runs for a bare `name`, as Go's exec.LookPath finds it: the first executable
 * regular file along PATH, an empty entry meaning the current directory. A relative result is
 * returned as it is (kubectl refuses to run one).
 */
export function findOnPath(name: string, pathVar: string | undefined): string | undefined {
  for (const entry of (pathVar ?? '').split(':')) {
    const candidate = join(entry || '.', name);
    if (isExecutableFile(candidate)) return isAbsolute(entry) ? candidate : `./${candidate}`;
  }
  return undefined;
}

/** True when both paths lead to the same file (after links). */
export function sameFile(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

/**
 * What a kubeconfig writer puts in `command`: the bare name when the eks-token on PATH is this very
 * copy (kubeconfigs stay portable and follow upgrades), otherwise this copy's absolute launcher
 * path, so kubectl never names a command it cannot find.
 */
export function resolveCommandName(
  selfPath: string | undefined,
  env: Record<string, string | undefined>,
): CommandName {
  const launcher = launcherOf(selfPath);
  const onPath = findOnPath('eks-token', env.PATH);
  if (!launcher) {
    return {
      command: 'eks-token',
      note: `exec command: eks-token (cannot tell where this copy's launcher is; ${onPath ? `PATH has ${onPath}` : 'eks-token is not on PATH: add its directory to PATH'})`,
    };
  }
  if (onPath && isAbsolute(onPath) && sameFile(onPath, launcher))
    return { command: 'eks-token', note: `exec command: eks-token (this copy, on PATH as ${onPath})` };
  const why = !onPath
    ? 'eks-token is not on PATH'
    : isAbsolute(onPath)
      ? `the eks-token on PATH, ${onPath}, is another copy`
      : `the eks-token first on PATH, ${onPath}, is relative, which kubectl refuses`;
  return { command: launcher, note: `exec command: ${launcher} (${why})` };
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
