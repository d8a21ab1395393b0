import { awsFilePaths } from '../src/aws/awsFilePaths.js';
import { type MintDeps, mintDeps } from '../src/token/mintToken.js';

/**
 * The mint dependencies for a caller's environment in the daemon: its AWS files spelled out (left
 * implicit, the SDK would use the daemon's HOME), notes collected into `warnings`, no prompting.
 */
export function callerMintDeps(
  env: Record<string, string>,
  warnings: string[],
  now: () => number,
  cwd?: string,
): MintDeps {
  const files = awsFilePaths(env, cwd);
  return mintDeps({
    env: { ...env, AWS_CONFIG_FILE: files.config, AWS_SHARED_CREDENTIALS_FILE: files.credentials },
    now,
    log: (line) => warnings.push(line),
    noPromptHint: 'the daemon cannot prompt for an MFA code',
  });
}
