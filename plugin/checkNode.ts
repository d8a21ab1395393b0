import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Check } from './formatCheck.js';
import { findOnPath, launcherOf, sameFile } from './resolveCommandName.js';

/** The Node running eks-token: version, path, and whether kubectl finds it without a shell's PATH. */
export function checkNode(selfPath: string | undefined, execPath = process.execPath): Check {
  const version = `Node ${process.version} at ${execPath}`;
  // The entry loads net with process.getBuiltinModule (Node 20.16+, 22.3+).
  if (typeof process.getBuiltinModule !== 'function')
    return {
      status: 'fail',
      area: 'node',
      detail: `${version} is too old`,
      fix: 'install Node.js 20.16+ or 22.3+ and reinstall eks-token with it',
    };
  const launcher = launcherOf(selfPath);
  if (!launcher)
    return {
      status: 'warn',
      area: 'node',
      detail: `${version}; no launcher found beside this copy's bundle`,
    };
  const recorded = recordedNode(launcher);
  if (recorded && sameFile(recorded, execPath))
    return { status: 'ok', area: 'node', detail: `${version} (recorded in the launcher by install.sh)` };
  if (recorded && !existsSync(recorded))
    return {
      status: 'warn',
      area: 'node',
      detail: `${version}: the Node install.sh recorded, ${recorded}, is gone, so the launcher took node from PATH`,
      fix: 'run ./install.sh again with the Node you use',
    };
  const beside = join(dirname(launcher), 'node');
  if (existsSync(beside)) return { status: 'ok', area: 'node', detail: `${version} (beside the launcher)` };
  return {
    status: 'warn',
    area: 'node',
    detail: `${version}, found on PATH only: kubectl started from an IDE, a desktop app or launchd may not find it`,
    fix: `ln -s ${execPath} ${beside}`,
  };
}

/** Which eks-token kubectl runs for a kubeconfig that says `command: eks-token`. */
export function checkPathLookup(
  selfPath: string | undefined,
  env: Record<string, string | undefined>,
): Check {
  const launcher = launcherOf(selfPath);
  const onPath = findOnPath('eks-token', env.PATH);
  if (!onPath)
    return {
      status: 'warn',
      area: 'path',
      detail: 'eks-token is not on PATH, so kubeconfig entries must name it by its full path',
      ...(launcher
        ? { fix: `add ${dirname(launcher)} to PATH, or let eks-token kubeconfig write ${launcher}` }
        : {}),
    };
  if (!onPath.startsWith('/'))
    return {
      status: 'warn',
      area: 'path',
      detail: `PATH finds ${onPath}, a relative path kubectl refuses to run`,
      fix: 'use absolute directories in PATH',
    };
  if (launcher && !sameFile(onPath, launcher))
    return {
      status: 'warn',
      area: 'path',
      detail: `kubectl runs ${onPath} for "eks-token", another copy than this one (${launcher})`,
      fix: `remove one of them, or put ${dirname(launcher)} first on PATH`,
    };
  return {
    status: 'ok',
    area: 'path',
    detail: `kubectl runs ${onPath} for "eks-token"${launcher ? ', this copy' : ''}`,
  };
}

// install.sh writes node='PATH' (a single-quoted shell word) into the launcher.
function recordedNode(launcher: string): string | undefined {
  try {
    const line = /^node='((?:[^']|'\\'')*)'$/m.exec(readFileSync(launcher, 'utf8'));
    return line?.[1]?.replaceAll("'\\''", "'");
  } catch {
    return undefined;
  }
}
