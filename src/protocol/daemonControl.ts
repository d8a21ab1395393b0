import { lstatSync } from 'node:fs';
import { createConnection } from 'node:net';
import { type DaemonOp, MAX_LINE_BYTES, PROTOCOL_VERSION } from './protocol.js';

/** A control answer, or why there is none (`absent`/`refused`: no daemon; `stale`: a dead socket file). */
export type ControlOutcome =
  | { ok: true; reply: Record<string, unknown> }
  | { ok: false; reason: 'absent' | 'refused' | 'timeout' | 'bad-reply' | 'error'; detail: string };

/** Sends one control operation and reads its one-line answer. */
export function sendControl(
  socketPath: string,
  op: Exclude<DaemonOp, 'token'>,
  timeoutMs = 3000,
): Promise<ControlOutcome> {
  return new Promise((resolve) => {
    const socket = createConnection(socketPath);
    let buffered = '';
    let done = false;
    const finish = (outcome: ControlOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ ok: false, reason: 'timeout', detail: 'no answer' }), timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify({ v: PROTOCOL_VERSION, op })}\n`));
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      const end = buffered.indexOf('\n');
      if (end < 0) {
        if (buffered.length > 4 * MAX_LINE_BYTES)
          finish({ ok: false, reason: 'bad-reply', detail: 'answer too long' });
        return;
      }
      finish(parseControlReply(buffered.slice(0, end)));
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT')
        finish({ ok: false, reason: 'absent', detail: `no socket at ${socketPath}` });
      else if (error.code === 'ECONNREFUSED')
        finish({ ok: false, reason: 'refused', detail: `nothing listens on ${socketPath}` });
      else finish({ ok: false, reason: 'error', detail: error.code ?? error.message });
    });
    socket.on('close', () =>
      finish({ ok: false, reason: 'error', detail: 'connection closed without an answer' }),
    );
  });
}

function parseControlReply(line: string): ControlOutcome {
  try {
    const reply = JSON.parse(line) as Record<string, unknown>;
    if (reply?.v !== PROTOCOL_VERSION) {
      const v = typeof reply?.v === 'number' ? reply.v : 'unknown';
      return { ok: false, reason: 'bad-reply', detail: `the daemon speaks protocol ${v}` };
    }
    if (reply.ok === true) return { ok: true, reply };
    const error = reply.error as { message?: unknown } | undefined;
    const message = typeof error?.message === 'string' ? error.message : 'the daemon refused';
    return { ok: false, reason: 'error', detail: message };
  } catch {
    return { ok: false, reason: 'bad-reply', detail: 'the answer is not JSON' };
  }
}

/** What is at the socket path: a live daemon, a stale socket file, nothing, or something else. */
export type SocketProbe =
  | { state: 'live'; pid: number; version: string }
  | { state: 'absent' | 'stale' | 'not-socket' }
  | { state: 'unresponsive'; detail: string };

/** Looks at the socket path and asks whoever listens there for its pid. */
export async function probeSocket(socketPath: string): Promise<SocketProbe> {
  const stat = lstatSync(socketPath, { throwIfNoEntry: false });
  if (!stat) return { state: 'absent' };
  if (!stat.isSocket()) return { state: 'not-socket' };
  const outcome = await sendControl(socketPath, 'ping');
  if (outcome.ok) {
    const { pid, version } = outcome.reply;
    return {
      state: 'live',
      pid: typeof pid === 'number' ? pid : 0,
      version: typeof version === 'string' ? version : '?',
    };
  }
  if (outcome.reason === 'refused') return { state: 'stale' };
  if (outcome.reason === 'absent') return { state: 'absent' };
  return { state: 'unresponsive', detail: outcome.detail };
}
