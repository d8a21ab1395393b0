/**
 * Preload for `node -r` (CommonJS): at exit, writes every file the program required, one per line,
 * to fd 3. The bundled CLI loads its parts with require(), which ESM loader hooks never see.
 */
import { writeSync } from 'node:fs';

process.on('exit', () => {
  const files = Object.keys(require.cache).filter((f) => f !== __filename);
  try {
    writeSync(3, `${files.join('\n')}\n`);
  } catch {
    // No fd 3: nobody is recording.
  }
});
