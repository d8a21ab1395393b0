import { writeSync } from 'node:fs';
import type { TextSink } from './PluginDeps.js';

/** The one fs call a sink makes (fs.writeSync); tests pass their own to provoke EAGAIN. */
export type WriteBytes = (fd: number, bytes: Uint8Array) => number;

/** Where text goes once the descriptor would block: process.stdout or process.stderr. */
export interface ByteStream {
  write(chunk: Uint8Array): unknown;
}

/**
 * A sink that writes straight to a file descriptor. process.stdout on a pipe (as kubectl gives
 * the plugin) builds a stream object that costs several ms per call; a write(2) costs microseconds.
 * If the descriptor is non-blocking and full (EAGAIN), the rest and all later text go to `stream()`,
 * which queues it and keeps the process alive until it is written, so nothing is lost or reordered.
 */
export function fdSink(
  fd: number,
  stream: () => ByteStream,
  write: WriteBytes = writeSync,
): TextSink & { readonly streamed: boolean } {
  let fallback: ByteStream | undefined;
  return {
    /** True once text went to the stream, which may still be writing it; false: all is with the kernel. */
    get streamed() {
      return fallback !== undefined;
    },
    write(chunk: string) {
      // Bytes, not text: a partial write may end inside a UTF-8 character.
      let rest: Uint8Array = Buffer.from(chunk);
      while (rest.length > 0 && !fallback) {
        try {
          rest = rest.subarray(write(fd, rest));
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
          fallback = stream();
        }
      }
      if (fallback && rest.length > 0) fallback.write(rest);
      return true;
    },
  };
}
