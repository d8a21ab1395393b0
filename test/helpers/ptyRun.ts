import { execFile } from 'node:child_process';

// A terminal for a command, as a user's shell gives it: python3's pty module runs it on a pseudo
// terminal, answers each MFA prompt (aws's "Enter MFA code for", eks-token's "MFA token code for")
// once it is shown (getpass flushes what was typed before), and reports what it saw.
const DRIVER = `
import json, os, pty, re, select, sys, time
argv, code = json.loads(sys.argv[1]), sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)
out, prompts, answered = b'', 0, 0
deadline = time.time() + 25
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 0.5)
    if fd in r:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    prompts = len(re.findall(rb'MFA (?:token )?code for \\S+: ', out))
    while answered < prompts:
        os.write(fd, code.encode() + b'\\n')
        answered += 1
else:
    os.kill(pid, 9)
_, status = os.waitpid(pid, 0)
print(json.dumps({'code': os.waitstatus_to_exitcode(status), 'output': out.decode('utf8', 'replace'), 'prompts': prompts}))
`;

/** What a command did on a terminal. */
export interface PtyResult {
  code: number;
  /** stdout and stderr as the terminal showed them (CRLF line ends). */
  output: string;
  /** MFA prompts shown (and answered). */
  prompts: number;
}

/** Runs `argv` on a pseudo terminal with exactly `env`, typing `mfaCode` at each MFA prompt. */
export function runOnPty(
  argv: string[],
  env: Record<string, string | undefined>,
  mfaCode: string,
): Promise<PtyResult> {
  return new Promise((resolve, reject) => {
    execFile(
      'python3',
      ['-c', DRIVER, JSON.stringify(argv), mfaCode],
      { env: env as NodeJS.ProcessEnv, timeout: 40_000, maxBuffer: 4 << 20 },
      (error, stdout) => {
        if (error) return reject(error);
        resolve(JSON.parse(stdout) as PtyResult);
      },
    );
  });
}
