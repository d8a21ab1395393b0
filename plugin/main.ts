import type { AwsCredentials } from '../src/aws/AwsCredentials.js';
import type { DaemonMiss } from '../src/protocol/DaemonExchange.js';
import { askDaemon } from '../src/protocol/requestFromDaemon.js';
import { socketPathNote } from '../src/protocol/resolveSocketPath.js';
import { EksTokenError, formatErrorLine, isEksTokenError } from '../src/shared/EksTokenError.js';
import { VERSION } from '../src/shared/version.js';
import { type ExecInfo, formatTokenOutput, resolveExecInfo } from '../src/token/formatExecCredential.js';
import { parseTokenCommand, type TokenCommand } from '../src/token/parseTokenCommand.js';
import { splitCommandLine } from '../src/token/splitCommandLine.js';
import { type PluginDeps, readLine } from './PluginDeps.js';

/** What is known about this one call before the full CLI runs. */
export interface RunOptions {
  /** Why the daemon did not answer this very call (the entry asks before the full CLI runs). */
  daemonMiss?: DaemonMiss;
}

/** The CLI: runs one command and returns its exit code; never exits the process itself. */
export async function run(argv: string[], deps: PluginDeps, options: RunOptions = {}): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    // `[options] eks get-token ...`, as the AWS CLI and its kubeconfigs write it, is `get-token`.
    const { command, args } = splitCommandLine(argv);
    switch (command) {
      case 'token':
      case 'get-token':
        if (args.includes('--help') || args.includes('-h')) return await printHelp(deps, command);
        return await runToken(argv, parseTokenCommand(args, deps.env, command), deps, options.daemonMiss);
      case 'daemon': {
        const { runDaemonCommand } = await import('./runDaemonCommand.js');
        return await runDaemonCommand(args, deps);
      }
      case '--version':
      case 'version':
        return print(deps, VERSION);
      case undefined:
        if (args.length > 0 && !args.includes('--help') && !args.includes('-h'))
          throw new EksTokenError('E_USAGE', `no command after ${args[0]}`, 'run eks-token --help');
        return await printHelp(deps, 'main');
      case '--help':
      case '-h':
      case 'help':
        // The daemon keeps its help next to its flags.
        if (args[0] === 'daemon') return await run(['daemon', '--help'], deps);
        return await printHelp(deps, args[0] ?? 'main');
      default: {
        // Commands off the kubectl path live in their own lazily loaded modules.
        const { findCommand } = await import('./findCommand.js');
        const handler = await findCommand(command);
        if (!handler)
          throw new EksTokenError(
            'E_USAGE',
            `unknown ${command.startsWith('-') ? 'option' : 'command'} "${command}"`,
            'run eks-token --help',
          );
        if (args.includes('--help') || args.includes('-h')) return await printHelp(deps, command);
        return await handler(args, deps);
      }
    }
  } catch (error) {
    deps.stderr.write(`${formatErrorLine(error)}\n`);
    if (debug && isEksTokenError(error)) deps.stderr.write(`eks-token: debug: error code ${error.code}\n`);
    if (debug && error instanceof Error && !isEksTokenError(error)) deps.stderr.write(`${error.stack}\n`);
    if (debug && isEksTokenError(error) && error.cause instanceof Error)
      deps.stderr.write(`cause: ${error.cause.stack}\n`);
    return 1;
  }
}

function print(deps: PluginDeps, text: string | undefined): number {
  deps.stdout.write(`${text ?? ''}\n`);
  return 0;
}

// Help text is a third of the entry's size and no kubectl call needs it, so it loads on demand.
async function printHelp(deps: PluginDeps, topic: string): Promise<number> {
  const { HELP } = await import('./help.js');
  return print(deps, HELP[topic] ?? HELP.main);
}

async function runToken(
  argv: string[],
  cmd: TokenCommand,
  deps: PluginDeps,
  daemonMiss?: DaemonMiss,
): Promise<number> {
  // Validate what kubectl asked for before any network or credential work.
  const execInfo = resolveExecInfo(deps.env.KUBERNETES_EXEC_INFO);
  const log = (line: string) => deps.stderr.write(`${line}\n`);
  let noDaemon = false;
  let mfaForDaemon = false;
  if (cmd.daemon !== 'off') {
    const note = cmd.debug ? socketPathNote(deps.env) : undefined;
    if (note) log(`eks-token: debug: ${note}`);
    // The entry (cli.ts) asked already, with this same request, unless its flag scan left the call
    // here (--debug, say) or a test calls run() directly: each call asks the daemon once.
    const outcome = daemonMiss ?? (await askDaemon(argv, deps.env, deps.now, undefined, deps.cwd()));
    if (outcome.ok) {
      const { reply } = outcome;
      if (cmd.debug)
        log(
          `eks-token: debug: token from the daemon (${reply.cached ? 'cached' : 'minted'}) for cluster ${reply.clusterName ?? '(not named)'} expires ${new Date(reply.expiresAt).toISOString()}`,
        );
      // Printed as the entry prints a hit: the daemon rendered it as this process would have.
      if (reply.stderr) deps.stderr.write(reply.stderr);
      deps.stdout.write(reply.stdout);
      return 0;
    }
    // Any daemon trouble only costs time: kubectl never fails because of the daemon.
    if (cmd.debug)
      log(`eks-token: debug: daemon not used (${outcome.reason}: ${outcome.detail}), minting in-process`);
    noDaemon = outcome.reason === 'absent' || outcome.reason === 'refused';
    mfaForDaemon = outcome.code === 'E_MFA_REQUIRED';
  }
  // The AWS SDK would wait for good on a FIFO, or read a huge file: refused first, naming the file.
  const problem = (await import('../src/aws/awsFilePaths.js')).awsFileProblem(deps.env);
  if (problem) throw problem;
  const { mintToken, mintDeps } = await import('../src/token/mintToken.js');
  let credentials: AwsCredentials | undefined;
  const minted = await mintToken(
    cmd.request,
    mintDeps({
      env: deps.env,
      now: deps.now,
      log,
      debug: cmd.debug,
      promptMfa: (serial) => promptMfa(serial, execInfo, deps),
    }),
    (used) => {
      credentials = used;
    },
  );
  if (cmd.debug)
    log(
      `eks-token: debug: token for cluster ${minted.clusterName} expires ${new Date(minted.expiresAt).toISOString()}`,
    );
  await writeToken(cmd, execInfo, deps, minted);
  if (mfaForDaemon && credentials) await holdInDaemon(argv, cmd, credentials, deps, log);
  if (cmd.daemon === 'auto' && noDaemon && deps.selfPath) {
    // After the answer is out: the daemon starts detached while kubectl carries on.
    const { spawnDaemon } = await import('./spawnDaemon.js');
    spawnDaemon(deps.selfPath, deps.env, []);
    if (cmd.debug) log('eks-token: debug: started a daemon in the background (--daemon auto)');
  }
  return 0;
}

// Notes first, then the credential: as the daemon's `exec` answer has them (formatTokenOutput).
async function writeToken(
  cmd: TokenCommand,
  execInfo: ExecInfo,
  deps: PluginDeps,
  token: { token: string; expiresAt: number; warnings?: string[]; clusterName: string },
): Promise<void> {
  // Only a blue/green entry's exec extension loads the module that reads it.
  const notes =
    execInfo.clusterConfig === undefined
      ? []
      : (await import('../src/kubeconfig/BlueGreenExtension.js')).candidateGapNotes(
          execInfo.clusterConfig,
          token.clusterName,
        );
  const { stdout, stderr } = formatTokenOutput(cmd.tokenOnly, execInfo.apiVersion, token, notes);
  if (stderr) deps.stderr.write(stderr);
  deps.stdout.write(stdout);
}

// The daemon could not prompt for this identity's MFA code; the user answered ours. With the AWS CLI's
// cache on, the daemon's next fetch finds the file written with it; with it off, the daemon is handed
// the credentials (it keeps them in memory only).
async function holdInDaemon(
  argv: string[],
  cmd: TokenCommand,
  credentials: AwsCredentials,
  deps: PluginDeps,
  log: (line: string) => void,
): Promise<void> {
  const { cliCacheEnabled } = await import('../src/aws/readCliCache.js');
  if (cliCacheEnabled(deps.env)) return;
  const { holdInDaemon } = await import('../src/protocol/holdInDaemon.js');
  const outcome = await holdInDaemon(argv, deps.env, credentials, deps.now, deps.cwd());
  if (cmd.debug)
    log(
      `eks-token: debug: ${outcome.ok && outcome.reply.held ? 'the daemon holds' : 'the daemon did not take'} the credentials`,
    );
}

async function promptMfa(serial: string, execInfo: ExecInfo, deps: PluginDeps): Promise<string> {
  if (!execInfo.interactive) {
    throw new EksTokenError(
      'E_MFA_REQUIRED',
      `the profile needs an MFA code for ${serial} but kubectl runs eks-token without a terminal`,
      'set interactiveMode: IfAvailable (client.authentication.k8s.io/v1) in the kubeconfig and run kubectl in a terminal',
    );
  }
  deps.stderr.write(`Assume Role MFA token code for ${serial}: `);
  return readLine(deps.stdin);
}
