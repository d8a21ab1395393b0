// The least a Node server can do to answer the daemon's protocol: listen on a Unix socket (0600),
// read each connection until the first newline, write one fixed answer line (read from a file: a
// real answer the benchmark captured from the daemon, so the same bytes) and close. No checks, no
// parsing, no cache: a reference row in the daemon load benchmark, started with the daemon's Node
// flags, so the daemon's latency is seen against what a Node server itself costs. Not shipped.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const [socketPath, answerFile] = process.argv.slice(2);
const ANSWER = readFileSync(answerFile ?? '');
const server = createServer({ allowHalfOpen: true }, (socket) => {
  socket.on('error', () => {});
  socket.on('data', (chunk: Buffer) => {
    if (!socket.writableEnded && chunk.includes(10)) socket.end(ANSWER, () => socket.destroy());
  });
});
const umask = process.umask(0o177);
server.listen(socketPath ?? '', () => {
  process.umask(umask);
  process.stdout.write('ready\n');
});
