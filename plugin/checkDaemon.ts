import { resolveSocketPath } from '../src/protocol/resolveSocketPath.js';
import { probeSocket } from '../src/protocol/sendControl.js';
import { socketDirOf, socketDirProblem } from '../src/protocol/socketDirProblem.js';
import type { Check } from './formatCheck.js';

/** The socket directory's safety and what listens on the daemon's socket. */
export async function checkDaemon(env: Record<string, string | undefined>): Promise<Check> {
  const socket = resolveSocketPath(env);
  const dir = socketDirOf(socket);
  const problem = socketDirProblem(dir);
  const mode = env.EKS_TOKEN_DAEMON
    ? `EKS_TOKEN_DAEMON=${env.EKS_TOKEN_DAEMON}`
    : 'off unless --daemon is given';
  if (problem === 'absent')
    return {
      status: 'ok',
      area: 'daemon',
      detail: `not running (${mode}); ${dir} is created 0700 on first start`,
    };
  // An unsafe directory is never connected to: whoever controls it may listen there.
  if (problem)
    return {
      status: 'fail',
      area: 'daemon',
      detail: `the socket directory ${dir} ${problem}, so the daemon is not used`,
      fix: problem.startsWith('has mode')
        ? `chmod 700 ${dir}`
        : `remove ${dir} (it must be a private directory you own), or set EKS_TOKEN_SOCKET elsewhere`,
    };
  const probe = await probeSocket(socket);
  switch (probe.state) {
    case 'live':
      return {
        status: 'ok',
        area: 'daemon',
        detail: `running (pid ${probe.pid}, version ${probe.version}) at ${socket} (${mode})`,
      };
    case 'absent':
      return { status: 'ok', area: 'daemon', detail: `not running (${mode}); ${dir} is private` };
    case 'stale':
      return {
        status: 'warn',
        area: 'daemon',
        detail: `${socket} is left from a daemon that is gone`,
        fix: 'eks-token daemon start (it replaces the file)',
      };
    case 'not-socket':
      return { status: 'fail', area: 'daemon', detail: `${socket} is not a socket`, fix: `remove ${socket}` };
    default:
      return {
        status: 'warn',
        area: 'daemon',
        detail: `the daemon at ${socket} does not answer (${probe.detail})`,
        fix: 'eks-token daemon restart',
      };
  }
}
