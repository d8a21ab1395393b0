// The request lines a client sends the daemon. The plugin's hot path imports this module, so it may
// use only Node built-ins and type-only imports.
import { forwardedEnv } from './forwardedEnv.js';

/** Version of the wire protocol; a client and a daemon that disagree never exchange tokens. */
export const PROTOCOL_VERSION = 1;
/** Longest answer line a client accepts, in bytes; an answer is a few KB. */
export const MAX_LINE_BYTES = 64 * 1024;
/**
 * Longest request line the daemon accepts, in bytes: the caller's whole environment travels in it,
 * and Linux allows up to 6 MiB of arguments and variables (ARG_MAX is at most 3/4 of the 8 MiB
 * stack limit); JSON escaping (quotes, newlines of exported shell functions) adds a little more.
 */
export const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

/** The operations the daemon answers. */
export type DaemonOp = 'exec' | 'hold' | 'status' | 'flush' | 'stop' | 'ping';
/** The operations that ask about or steer the daemon itself, not for a token. */
export type ControlOp = Exclude<DaemonOp, 'exec' | 'hold'>;

/** Temporary credentials on the wire: `expiration` in epoch ms. */
export interface HeldCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: number;
}

/**
 * One request line: the plugin's own command line with the caller's environment (`exec`: the daemon
 * parses it and answers what the plugin prints); credentials for the daemon to hold for the token
 * such a command line asks for (`hold`, holdInDaemon.ts); or a control operation.
 */
export type DaemonRequest =
  | { v: number; op: 'exec'; argv: string[]; env: Record<string, string>; cwd?: string }
  | {
      v: number;
      op: 'hold';
      argv: string[];
      env: Record<string, string>;
      credentials: HeldCredentials;
      cwd?: string;
    }
  | { v: number; op: ControlOp };

/**
 * The `exec` request line: the plugin's arguments (command first), the variables they need and,
 * last and optional, the working directory (a credential_process helper runs there; without it the
 * daemon leaves such a call to the plugin).
 */
export function execRequestLine(
  argv: string[],
  env: Record<string, string | undefined>,
  cwd?: string,
): string {
  const line = { v: PROTOCOL_VERSION, op: 'exec', argv, env: forwardedEnv(env), cwd };
  return `${JSON.stringify(line)}\n`;
}

/** A control request line. */
export function controlRequestLine(op: ControlOp): string {
  return `${JSON.stringify({ v: PROTOCOL_VERSION, op })}\n`;
}
