// The connection the native client (native/eks-token-hit.c) hands over with the call when the
// daemon's answer is not a clean hit: the request is sent and the answer unread (it only peeks),
// so this side reads it as its own and the daemon is asked once. The plugin's hot path imports this
// module, so it may use only Node built-ins.
import { closeSync, fstatSync } from 'node:fs';

/** The variable that carries it: the connected descriptor's number. */
export const HANDOVER_VARIABLE = 'EKS_TOKEN_HIT_HANDOVER';

/**
 * A connection to the daemon with the `exec` request sent. The native client waited a moment for
 * the answer (300 ms at most); the deadlines start again here, as if this side had just connected.
 */
export interface HandedOverSocket {
  fd: number;
}

/**
 * Takes the handed-over connection out of `env` (it is never forwarded: the native client sent the
 * environment without it), or undefined when there is none or it is not a socket this process holds.
 */
export function takeHandedOverSocket(env: Record<string, string | undefined>): HandedOverSocket | undefined {
  const value = env[HANDOVER_VARIABLE];
  if (value === undefined) return undefined;
  delete env[HANDOVER_VARIABLE];
  const fd = Number(value);
  if (value === '' || !Number.isSafeInteger(fd) || fd < 3) return undefined;
  try {
    return fstatSync(fd).isSocket() ? { fd } : undefined;
  } catch {
    return undefined;
  }
}

/** Closes a handed-over connection this process will not read (so no child inherits it). */
export function dropHandedOverSocket(handed: HandedOverSocket | undefined): void {
  if (handed) closeSync(handed.fd);
}
