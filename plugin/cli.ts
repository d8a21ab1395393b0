import { fdSink } from './fdSink.js';
import { run } from './main.js';

// kubectl shows the plugin's stderr to the user on every call; the AWS SDK's notice about its own
// future Node support is not about anything the user ran, so it stays quiet unless asked for.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// The process entry: real deps in, exit code out. (No top-level await: the bundle's entry is
// CommonJS, which Node starts faster than an ES module.)
void run(process.argv.slice(2), {
  env: process.env,
  now: Date.now,
  // Not process.stdout/stderr: on the pipes kubectl passes, building those streams costs more
  // than the whole daemon round trip.
  stdout: fdSink(1, () => process.stdout),
  stderr: fdSink(2, () => process.stderr),
  // A getter: touching process.stdin opens a handle, which only an MFA prompt needs.
  get stdin() {
    return process.stdin;
  },
  selfPath: process.argv[1] ?? '',
}).then((code) => {
  process.exitCode = code;
});
