import { EksTokenError } from '../src/shared/EksTokenError.js';
import { completionScript } from './completionScript.js';
import type { PluginDeps } from './PluginDeps.js';

/** `eks-token completion bash|zsh`: prints the completion script for that shell. */
export async function runCompletionCommand(args: string[], deps: PluginDeps): Promise<number> {
  const [shell, ...extra] = args;
  if ((shell !== 'bash' && shell !== 'zsh') || extra.length > 0) {
    throw new EksTokenError(
      'E_USAGE',
      `completion: ${shell === undefined ? 'no shell named' : `"${args.join(' ')}" is not bash or zsh`}`,
      'run eks-token completion bash or eks-token completion zsh',
    );
  }
  deps.stdout.write(completionScript(shell));
  return 0;
}
