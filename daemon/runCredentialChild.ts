import { Socket } from 'node:net';
import { MAX_LINE_BYTES } from '../src/protocol/DaemonRequest.js';
import { EksTokenError } from '../src/shared/EksTokenError.js';
import type { ResolvedRequest } from '../src/token/mintToken.js';
import { credentialsAnswerLine } from './credentialsAnswerLine.js';

/** What the credential child reads from the outside world. */
export interface ChildDeps {
  env: Record<string, string | undefined>;
  now: () => number;
  stdin: NodeJS.ReadableStream;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/**
 * The credential child (its own bundle, credentialChild.cjs): the daemon runs it with the caller's
 * environment, because the AWS SDK's credential chain reads process.env. The resolved request comes
 * on stdin and the credentials go back on the stdout pipe, never through a file.
 */
export async function runCredentialChild(deps: ChildDeps): Promise<number> {
  let answer: string;
  let ok = false;
  try {
    const resolved = JSON.parse(await readAll(deps.stdin)) as ResolvedRequest;
    const { awsFileProblem } = await import('../src/aws/awsFilePaths.js');
    // The SDK opens these itself and would wait forever on a FIFO: refused first, with a clear error.
    const problem = awsFileProblem(deps.env);
    if (problem) throw problem;
    const { credentialsForRequest, mintDeps } = await import('../src/token/mintToken.js');
    const { trustExtraCaCerts } = await import('../src/aws/trustExtraCaCerts.js');
    const log = (line: string) => deps.stderr.write(`${line}\n`);
    trustExtraCaCerts(deps.env, log);
    // No terminal here (no prompt): the plugin falls back to minting in-process, where it can prompt.
    const credentials = await credentialsForRequest(
      resolved,
      mintDeps({ env: deps.env, now: deps.now, log }),
    );
    answer = credentialsAnswerLine({ credentials });
    ok = true;
  } catch (error) {
    answer = credentialsAnswerLine({ error });
  }
  deps.stdout.write(answer);
  return ok ? 0 : 1;
}

function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      text += chunk;
      if (text.length > MAX_LINE_BYTES)
        reject(new EksTokenError('E_CREDENTIAL_CHILD', 'credential request too long'));
    });
    stream.once('end', () => resolve(text));
    stream.once('error', reject);
  });
}

// The daemon holds the other end of fd 3 and never writes: its end (the daemon stopped, or was
// killed with SIGKILL) ends this child with its process group (the helpers it started).
function watchLifeline(): void {
  let lifeline: Socket;
  try {
    lifeline = new Socket({ fd: 3, readable: true, writable: false });
  } catch {
    return;
  }
  const die = () => {
    try {
      process.kill(-process.pid, 'SIGKILL');
    } catch {
      process.kill(process.pid, 'SIGKILL');
    }
  };
  lifeline.on('end', die).on('close', die).on('error', die);
  lifeline.unref();
}

// Run as a process (the bundle's entry), not when a test imports the module.
if (process.argv[1] && /credentialChild\.c?js$/.test(process.argv[1])) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // The caller's NODE_OPTIONS, kept from this process's start, for the helpers the SDK runs.
  const callerNodeOptions = process.env.EKS_TOKEN_CALLER_NODE_OPTIONS;
  delete process.env.EKS_TOKEN_CALLER_NODE_OPTIONS;
  if (callerNodeOptions !== undefined) process.env.NODE_OPTIONS = callerNodeOptions;
  watchLifeline();
  void runCredentialChild({
    env: process.env,
    now: Date.now,
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
  }).then((code) => {
    process.exitCode = code;
  });
}
