import type { PluginDeps } from './PluginDeps.js';

/** A subcommand: its arguments in, exit code out. */
export type CommandHandler = (args: string[], deps: PluginDeps) => Promise<number>;

// Each module loads only when its command runs, so kubectl's token path never pays for them.
const COMMANDS: Record<string, () => Promise<CommandHandler>> = {
  kubeconfig: async () => (await import('./runKubeconfigCommand.js')).runKubeconfigCommand,
  'update-kubeconfig': async () =>
    (await import('./runUpdateKubeconfigCommand.js')).runUpdateKubeconfigCommand,
  whoami: async () => (await import('./runWhoamiCommand.js')).runWhoamiCommand,
  verify: async () => (await import('./runVerifyCommand.js')).runVerifyCommand,
  completion: async () => (await import('./runCompletionCommand.js')).runCompletionCommand,
  doctor: async () => (await import('./runDoctorCommand.js')).runDoctorCommand,
};

/** The handler of a subcommand other than token/get-token/daemon, or undefined. */
export async function findCommand(name: string): Promise<CommandHandler | undefined> {
  const load = COMMANDS[name];
  return load ? load() : undefined;
}

/** Names of the lazily loaded subcommands (for help and completion). */
export const COMMAND_NAMES = Object.keys(COMMANDS);
