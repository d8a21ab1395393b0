import { spawn } from 'node:child_process';

/** Wall time of `count` plugin processes started at once; every one must print a token. */
export async function burst(
  command: string[],
  env: Record<string, string | undefined>,
  count: number,
): Promise<number> {
  const start = Date.now();
  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve, reject) => {
          const [file, ...args] = command;
          const child = spawn(file ?? 'false', args, {
            env,
            stdio: ['ignore', 'pipe', 'pipe'],
            timeout: 60_000,
          });
          let out = '';
          let err = '';
          child.stdout.on('data', (d) => {
            out += d;
          });
          child.stderr.on('data', (d) => {
            err += d;
          });
          child.on('close', (code) =>
            code === 0 && out.includes('k8s-aws-v1.')
              ? resolve()
              : reject(new Error(`plugin failed (${code}): ${err.slice(0, 300)}`)),
          );
        }),
    ),
  );
  return Date.now() - start;
}
