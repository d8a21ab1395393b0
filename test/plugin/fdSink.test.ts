import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { fdSink, type WriteBytes } from '../../plugin/fdSink.js';

const TEXT = 'ExecCredential: ünïcødé ✓ 🚀\n';

/** A stream that records the bytes it is handed, in order. */
function recordingStream() {
  const chunks: Buffer[] = [];
  return { chunks, stream: { write: (chunk: Uint8Array) => chunks.push(Buffer.from(chunk)) } };
}

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(code), { code });
}

test('writes every byte to a real file descriptor without touching the fallback stream', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eks-token-fdsink-'));
  try {
    const fd = openSync(join(dir, 'out'), 'w');
    const sink = fdSink(fd, () => assert.fail('no fallback for a file'));
    sink.write(TEXT);
    sink.write('second line\n');
    closeSync(fd);
    assert.equal(readFileSync(join(dir, 'out'), 'utf8'), `${TEXT}second line\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('partial writes and EAGAIN at any byte: the output is whole, in order, and never split wrongly', () => {
  fc.assert(
    fc.property(
      fc.array(fc.string({ unit: 'grapheme', maxLength: 40 }), { minLength: 1, maxLength: 6 }),
      fc.integer({ min: 1, max: 7 }),
      fc.integer({ min: 0, max: 200 }),
      (texts, step, blockAfter) => {
        const written: Buffer[] = [];
        let total = 0;
        // Writes at most `step` bytes per call, then reports a full pipe after `blockAfter` bytes.
        const write: WriteBytes = (_fd, bytes) => {
          if (total >= blockAfter) throw errno('EAGAIN');
          const n = Math.min(step, bytes.length, blockAfter - total);
          written.push(Buffer.from(bytes.subarray(0, n)));
          total += n;
          return n;
        };
        const fallback = recordingStream();
        let fallbacks = 0;
        const sink = fdSink(
          1,
          () => {
            fallbacks++;
            return fallback.stream;
          },
          write,
        );
        for (const text of texts) sink.write(text);
        const all = Buffer.concat([...written, ...fallback.chunks]).toString('utf8');
        assert.equal(all, texts.join(''));
        assert.ok(fallbacks <= 1, 'the fallback stream is built at most once');
        if (fallbacks === 0) assert.equal(fallback.chunks.length, 0);
      },
    ),
  );
});

test('once the descriptor would block, later text goes to the stream too, so order holds', () => {
  let calls = 0;
  const write: WriteBytes = (_fd, bytes) => {
    calls++;
    if (calls > 1) throw errno('EAGAIN');
    return bytes.length;
  };
  const fallback = recordingStream();
  const sink = fdSink(1, () => fallback.stream, write);
  sink.write('a');
  assert.equal(sink.streamed, false, 'all with the kernel so far');
  sink.write('b');
  assert.equal(sink.streamed, true, 'the stream has text');
  sink.write('c');
  assert.equal(calls, 2, 'no write(2) after the first EAGAIN');
  assert.deepEqual(fallback.chunks.map(String), ['b', 'c']);
});

test('other write errors (a closed pipe) reach the caller', () => {
  const sink = fdSink(
    1,
    () => assert.fail('EPIPE is not a full pipe'),
    () => {
      throw errno('EPIPE');
    },
  );
  assert.throws(() => sink.write('x'), { code: 'EPIPE' });
});
