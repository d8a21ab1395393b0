import { execFileSync } from 'node:child_process';

/** True when `name` is on PATH (tests that need a real peer skip with a reason otherwise). */
export function hasCommand(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
