/** A writable text stream (process.stdout, or a buffer in tests). */
export interface TextSink {
  write(chunk: string): unknown;
}

/** Everything the CLI takes from the outside world, so tests inject it instead of faking globals. */
export interface PluginDeps {
  env: Record<string, string | undefined>;
  /** Wall clock in epoch ms. */
  now: () => number;
  stdout: TextSink;
  stderr: TextSink;
  stdin: NodeJS.ReadableStream;
  /** Path of this CLI's entry script, for starting the daemon in the background. */
  selfPath?: string;
  /** The working directory, where a credential_process helper would run; none if it was removed. */
  cwd: () => string | undefined;
}

/** The process's working directory, or undefined when it was removed (process.cwd() throws then). */
export function processWorkingDirectory(): string | undefined {
  try {
    return process.cwd();
  } catch {
    return undefined;
  }
}

/** Reads one line from a stream (an MFA code typed at the prompt). */
export function readLine(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer | string) => {
      buffered += chunk.toString();
      const end = buffered.indexOf('\n');
      if (end >= 0) finish(buffered.slice(0, end));
    };
    const onEnd = () => finish(buffered);
    const finish = (line: string) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', reject);
      stream.pause?.();
      resolve(line.trim());
    };
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', reject);
    stream.resume?.();
  });
}
