/** Module resolution hook for moduleRecorder.ts: writes each resolved URL to fd 3. */
import { writeSync } from 'node:fs';

type Next = (specifier: string, context: unknown) => Promise<{ url: string }>;

/** Records the URL every import resolves to (ESM imports, including the entry of every CommonJS package). */
export async function resolve(specifier: string, context: unknown, next: Next): Promise<{ url: string }> {
  const result = await next(specifier, context);
  writeSync(3, `${result.url}\n`);
  return result;
}
