/**
 * Preload for `node -r` (CommonJS): at exit, writes every file the program required, one per line,
 * to fd 3, then `stream:stdout` / `stream:stderr` if the program built those stream objects. The
 * bundled CLI loads its parts with require(), which ESM loader hooks never see.
 */
import { writeSync } from 'node:fs';

const touched = new Set<string>();
for (const name of ['stdout', 'stderr'] as const) {
  const own = Object.getOwnPropertyDescriptor(process, name);
  const get = own?.get;
  if (!get) continue;
  Object.defineProperty(process, name, {
    ...own,
    get() {
      touched.add(`stream:${name}`);
      return get.call(process);
    },
  });
}

process.on('exit', () => {
  const files = Object.keys(require.cache).filter((f) => f !== __filename);
  try {
    writeSync(3, `${[...files, ...touched].join('\n')}\n`);
  } catch {
    // No fd 3: nobody is recording.
  }
});
