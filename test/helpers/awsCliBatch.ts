import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** One aws command line with the exact environment it runs in. */
export interface AwsRun {
  argv: string[];
  env: Record<string, string>;
}

/** What one run printed and returned. */
export interface AwsResult {
  code: number;
  stdout: string;
  stderr: string;
}

// The aws script's own entry (awscli.clidriver.main with sys.argv), once per run in one Python process: each run
// gets a fresh driver and session, its environment, and stdout/stderr of its own. aws v1 takes a
// second to start; a hundred runs in one process take seconds.
const DRIVER = `
import contextlib, io, json, os, sys
import awscli.clidriver
data_path = os.environ['AWS_DATA_PATH']  # what importing awscli sets, as in every aws process
for line in sys.stdin:
    run = json.loads(line)
    os.environ.clear()
    os.environ.update(run['env'], AWS_DATA_PATH=data_path)
    sys.argv = ['aws'] + run['argv']
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = awscli.clidriver.main()
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 1
        except Exception as e:
            code, _ = 255, err.write(repr(e))
    sys.__stdout__.write(json.dumps({'code': code, 'stdout': out.getvalue(), 'stderr': err.getvalue()}) + '\\n')
    sys.__stdout__.flush()
`;

/** The Python that runs the installed `aws` (through a pyenv shim too), or undefined. */
export function awsPython(): string | undefined {
  try {
    let script = execFileSync('sh', ['-c', 'command -v aws'], { encoding: 'utf8' }).trim();
    if (script.includes('/shims/'))
      script = execFileSync('pyenv', ['which', 'aws'], { encoding: 'utf8' }).trim();
    const shebang = /^#!(\S+)/.exec(readFileSync(script, 'utf8'))?.[1];
    if (!shebang || !/python/.test(shebang)) return undefined;
    execFileSync(shebang, ['-c', 'import awscli.clidriver'], { stdio: 'ignore' });
    return shebang;
  } catch {
    return undefined;
  }
}

/** Runs every command line through the real AWS CLI in one process, in order. */
export function runAwsBatch(python: string, runs: AwsRun[]): Promise<AwsResult[]> {
  return new Promise((resolve, reject) => {
    // UTF-8 as under any UTF-8 locale (or C, which Python 3.7+ reads as UTF-8), whatever the test's own.
    const env = { PATH: process.env.PATH ?? '', PYTHONUTF8: '1' };
    const child = spawn(python, ['-c', DRIVER], {
      env,
      stdio: ['pipe', 'pipe', 'inherit'],
      timeout: 300_000,
    });
    let text = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      text += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const results = text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as AwsResult);
      if (results.length !== runs.length)
        reject(new Error(`aws batch: exit ${code}, ${results.length} answers`));
      else resolve(results);
    });
    child.stdin.end(runs.map((r) => `${JSON.stringify(r)}\n`).join(''));
  });
}
