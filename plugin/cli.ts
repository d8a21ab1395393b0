import { run } from './main.js';

// The process entry: real deps in, exit code out.
process.exitCode = await run(process.argv.slice(2), {
  env: process.env,
  now: Date.now,
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  selfPath: process.argv[1] ?? '',
});
