// The least any Node program can do to get a token from the daemon: load `net`, send one request
// line (read from a file), print the answer line. No checks, no timeouts, no parsing: a reference
// row in the benchmark, so the plugin's cost is seen against what Node itself costs. Not shipped.
import { readFileSync, writeSync } from 'node:fs';
import { createConnection } from 'node:net';

const [socketPath, requestFile] = process.argv.slice(2);
const chunks: Buffer[] = [];
const socket = createConnection({
  path: socketPath ?? '',
  allowHalfOpen: true,
  onread: {
    buffer: Buffer.allocUnsafe(16 * 1024),
    callback: (n, buf) => {
      chunks.push(Buffer.from(buf.subarray(0, n)));
      const text = Buffer.concat(chunks).toString();
      // The answer line, not the `pending` line a miss starts with.
      if (text.includes('"ok":') && text.endsWith('\n')) {
        writeSync(1, text);
        // As the plugin does: leaving at once skips Node's end-of-loop wait for its background threads.
        process.exit();
      }
      return true;
    },
  },
});
socket.write(readFileSync(requestFile ?? ''));
