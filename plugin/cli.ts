import type { DaemonMiss } from '../src/protocol/DaemonExchange.js';
import { takeHandedOverSocket } from '../src/protocol/HandedOverSocket.js';
import { formatErrorLine } from '../src/shared/EksTokenError.js';
import { answerFromDaemon } from './answerFromDaemon.js';
import { fdSink } from './fdSink.js';
import { run } from './main.js';
import { type PluginDeps, processWorkingDirectory } from './PluginDeps.js';

// First: the native client's connection, if it handed one over, leaves the environment before
// anything reads or forwards it (the native client sent the environment without it).
const handed = takeHandedOverSocket(process.env);
// kubectl shows the plugin's stderr to the user on every call; the AWS SDK's notice about its own
// future Node support is not about anything the user ran, so it stays quiet unless asked for.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// The process entry: real deps in, exit code out. A daemon cache hit is answered with callbacks
// before the full CLI (main.ts) runs. The full CLI is in the same bundle: as a separate file it cost
// the path without a daemon 2-3 ms and saved the hit nothing measurable. (No top-level await: the
// bundle's entry is CommonJS, which Node starts faster than an ES module.)
const argv = process.argv.slice(2);
// Not process.stdout/stderr: on the pipes kubectl passes, building those streams costs more than
// the whole daemon round trip.
const stdout = fdSink(1, () => process.stdout);
const stderr = fdSink(2, () => process.stderr);
const deps: PluginDeps = {
  env: process.env,
  now: Date.now,
  stdout,
  stderr,
  // A getter: touching process.stdin opens a handle, which only an MFA prompt needs.
  get stdin() {
    return process.stdin;
  },
  selfPath: process.argv[1] ?? '',
  cwd: processWorkingDirectory,
};

async function runFullCli(daemonMiss: DaemonMiss | undefined): Promise<void> {
  process.exitCode = await run(argv, deps, { daemonMiss });
}

answerFromDaemon(
  argv,
  deps.env,
  deps.now,
  deps,
  (error) => {
    // As the full CLI reports a failure: one line on stderr, exit code 1.
    if (error !== undefined) deps.stderr.write(`${formatErrorLine(error)}\n`);
    process.exitCode = error === undefined ? 0 : 1;
    // The answer is with the kernel (write(2)) and nothing else is under way: leaving now skips
    // Node's end-of-loop wait for its background threads, 1.5-2 ms of a hit. Not when a full pipe
    // sent text to a stream, which may still be writing it.
    if (!stdout.streamed && !stderr.streamed) process.exit();
  },
  (daemonMiss) => void runFullCli(daemonMiss),
  handed,
);
