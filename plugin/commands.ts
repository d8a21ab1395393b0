import type { PluginDeps } from './deps.js';

/** A subcommand: its arguments in, exit code out. */
export type CommandHandler = (args: string[], deps: PluginDeps) => Promise<number>;

// Each module loads only when its command runs, so kubectl's token path never pays for them.
const COMMANDS: Record<string, () => Promise<CommandHandler>> = {
  kubeconfig: async () => (await import('./kubeconfigCommand.js')).runKubeconfigCommand,
  'update-kubeconfig': async () => (await import('./updateKubeconfigCommand.js')).runUpdateKubeconfigCommand,
  whoami: async () => (await import('./whoamiCommand.js')).runWhoamiCommand,
  verify: async () => (await import('./verifyCommand.js')).runVerifyCommand,
  completion: async () => (await import('./completionCommand.js')).runCompletionCommand,
  doctor: async () => (await import('./doctorCommand.js')).runDoctorCommand,
};

/** The handler of a subcommand other than token/get-token/daemon, or undefined. */
export async function findCommand(name: string): Promise<CommandHandler | undefined> {
  const load = COMMANDS[name];
  return load ? load() : undefined;
}

/** Names of the lazily loaded subcommands (for help and completion). */
export const COMMAND_NAMES = Object.keys(COMMANDS);
