// The request lines a client sends the daemon. The plugin's hot path imports this module, so it may
// use only Node built-ins and type-only imports.
import type { TokenRequest } from '../token/parseCommandLine.js';
import { forwardedEnv } from './forwardedEnv.js';

/** Version of the wire protocol; a client and a daemon that disagree never exchange tokens. */
export const PROTOCOL_VERSION = 1;
/** Longest line either side accepts, in bytes; a request with a session token is a few KB. */
export const MAX_LINE_BYTES = 64 * 1024;

/** The operations the daemon answers. */
export type DaemonOp = 'token' | 'exec' | 'hold' | 'status' | 'flush' | 'stop' | 'ping';
/** The operations that ask about or steer the daemon itself, not for a token. */
export type ControlOp = Exclude<DaemonOp, 'token' | 'exec' | 'hold'>;

/** Temporary credentials on the wire: `expiration` in epoch ms. */
export interface HeldCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: number;
}

/**
 * One request line: a token request with the caller's environment; the plugin's own command line
 * (`exec`: the daemon parses it and answers what the plugin prints); credentials for the daemon to
 * hold (`hold`, heldCredentials.ts); or a control operation.
 */
export type DaemonRequest =
  | { v: number; op: 'token'; request: TokenRequest; env: Record<string, string> }
  | { v: number; op: 'exec'; argv: string[]; env: Record<string, string> }
  | {
      v: number;
      op: 'hold';
      request: TokenRequest;
      env: Record<string, string>;
      credentials: HeldCredentials;
    }
  | { v: number; op: ControlOp };

/** The token request line a client sends. */
export function tokenRequestLine(request: TokenRequest, env: Record<string, string | undefined>): string {
  return `${JSON.stringify({ v: PROTOCOL_VERSION, op: 'token', request, env: forwardedEnv(env) })}\n`;
}

/** The `exec` request line: the plugin's arguments (command first) and the variables they need. */
export function execRequestLine(argv: string[], env: Record<string, string | undefined>): string {
  return `${JSON.stringify({ v: PROTOCOL_VERSION, op: 'exec', argv, env: forwardedEnv(env) })}\n`;
}

/** A control request line. */
export function controlRequestLine(op: ControlOp): string {
  return `${JSON.stringify({ v: PROTOCOL_VERSION, op })}\n`;
}
