import { awsFileProblem } from '../src/aws/awsFilePaths.js';
import { execRequestLine, MAX_REQUEST_BYTES } from '../src/protocol/DaemonRequest.js';
import { parseDaemonRequest } from '../src/protocol/parseDaemonRequest.js';
import { resolveSocketPath } from '../src/protocol/resolveSocketPath.js';
import { sendControl } from '../src/protocol/sendControl.js';
import { inertText } from '../src/shared/quoteValue.js';
import type { Check } from './formatCheck.js';

/**
 * Whether a token call from this shell (its environment and working directory) would be served by
 * the running daemon, and why not; with the calls the daemon has left to the plugin so far, by reason.
 */
export async function checkDaemonServes(
  env: Record<string, string | undefined>,
  cwd: string | undefined,
): Promise<Check> {
  const area = 'daemon use';
  const mode = env.EKS_TOKEN_DAEMON;
  const outcome = await sendControl(resolveSocketPath(env), 'status');
  if (!outcome.ok) return { status: 'ok', area, detail: 'no daemon answers: calls are made in-process' };
  const unserved = Object.entries(outcome.reply.status.unserved ?? {});
  const sofar =
    unserved.length > 0
      ? `; left to the plugin so far: ${inertText(unserved.map(([why, n]) => `${why} ${n}`).join(', '))}`
      : '';
  const line = execRequestLine(['token', '-i', 'eks-token-doctor'], env, cwd);
  let why: string | undefined;
  let fix: string | undefined;
  if (Buffer.byteLength(line) > MAX_REQUEST_BYTES) {
    why = `the environment is ${Buffer.byteLength(line)} bytes as sent, over ${MAX_REQUEST_BYTES}`;
    fix = 'unset large variables';
  } else {
    try {
      parseDaemonRequest(line.trimEnd());
    } catch (error) {
      why = (error as Error).message;
    }
  }
  const fileProblem = why ? undefined : awsFileProblem(env);
  if (fileProblem) [why, fix] = [fileProblem.message, fileProblem.hint];
  if (!why && cwd === undefined)
    why = 'the working directory is gone, so credential_process profiles are left to the plugin';
  if (why)
    return {
      status: 'warn',
      area,
      detail: `a call from this shell would not be served: ${why}${sofar}`,
      ...(fix ? { fix } : {}),
    };
  const on = mode === 'on' || mode === 'auto';
  return {
    status: 'ok',
    area,
    detail: `a call from this shell would be served${on ? '' : ' (with --daemon on|auto or EKS_TOKEN_DAEMON)'}${sofar}`,
  };
}
