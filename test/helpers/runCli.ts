import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * The launcher users run: bin/eks-token, starting the bundled CLI; or the installed copy named by
 * EKS_TOKEN_UNDER_TEST (absolute), as .ci/run does with the packed npm package.
 */
export const CLI =
  process.env.EKS_TOKEN_UNDER_TEST || fileURLToPath(new URL('../../../bin/eks-token', import.meta.url));

/** What one CLI run printed and returned. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the launcher (CLI) with exactly `env` (plus PATH), optional stdin, and a hard time limit. */
export function runCli(
  args: string[],
  env: Record<string, string | undefined>,
  options: { stdin?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(CLI, args, {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 20_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

/** An environment with no AWS configuration at all: no home files, no instance metadata. */
export function isolatedEnv(
  extra: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return {
    HOME: '/nonexistent-eks-token-home',
    AWS_CONFIG_FILE: '/nonexistent-eks-token-home/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent-eks-token-home/credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}
