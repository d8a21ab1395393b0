import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseKubeconfig } from '../src/kubeconfig/parseKubeconfig.js';
import { formatErrorLine } from '../src/shared/EksTokenError.js';
import { parseTokenCommand } from '../src/token/parseTokenCommand.js';
import type { TokenRequest } from '../src/token/TokenRequest.js';
import type { Check } from './formatCheck.js';
import { findOnPath } from './resolveCommandName.js';

type Env = Record<string, string | undefined>;

/** What the kubeconfig checks found: one line per token-minting user, and the requests they make. */
export interface KubeconfigReport {
  checks: Check[];
  requests: TokenRequest[];
}

interface ExecSection {
  command?: unknown;
  args?: unknown;
  env?: unknown;
}

/**
 * Looks at every user in the files whose exec runs eks-token, `aws eks get-token` or
 * aws-iam-authenticator. A missing file fails only when `explicit` (--kubeconfig): kubectl skips
 * missing KUBECONFIG files.
 */
export function checkKubeconfig(files: string[], explicit: boolean, env: Env): KubeconfigReport {
  const report: KubeconfigReport = { checks: [], requests: [] };
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      report.checks.push(
        code === 'EISDIR'
          ? {
              status: 'fail',
              area: 'kubeconfig',
              detail: `${file} is a directory, not a kubeconfig file`,
              fix: `name the file in it, e.g. ${join(file, 'config')}, in KUBECONFIG or --kubeconfig`,
            }
          : {
              status: explicit || code !== 'ENOENT' ? 'fail' : 'warn',
              area: 'kubeconfig',
              detail: `cannot read ${file} (${code})`,
              fix: 'eks-token kubeconfig --describe CLUSTER --region R writes an entry',
            },
      );
      continue;
    }
    let users: unknown;
    try {
      users = (parseKubeconfig(text).toJS() as { users?: unknown } | null)?.users;
    } catch (error) {
      report.checks.push({
        status: 'fail',
        area: 'kubeconfig',
        detail: `${file}: ${formatErrorLine(error).replace(/^eks-token: /, '')}`,
      });
      continue;
    }
    let found = 0;
    for (const user of Array.isArray(users) ? users : []) {
      const exec = (user as { user?: { exec?: ExecSection } })?.user?.exec;
      const name = String((user as { name?: unknown })?.name ?? '?');
      const check = exec && checkExecUser(exec, file, `user ${name} (${file})`, env, report.requests);
      if (check) {
        report.checks.push(check);
        found++;
      }
    }
    if (found === 0)
      report.checks.push({
        status: 'warn',
        area: 'kubeconfig',
        detail: `${file}: no user runs eks-token, aws eks get-token or aws-iam-authenticator`,
      });
  }
  return report;
}

function checkExecUser(
  exec: ExecSection,
  file: string,
  where: string,
  env: Env,
  requests: TokenRequest[],
): Check | undefined {
  const command = typeof exec.command === 'string' ? exec.command : '';
  const args = Array.isArray(exec.args) ? exec.args.map(String) : [];
  // The entry's own env (AWS_PROFILE, KUBERNETES_AWS_AUTHENTICATOR_CLUSTER_ID) counts; values are never printed.
  const entryEnv: Env = { ...env };
  for (const item of Array.isArray(exec.env) ? exec.env : []) {
    const { name, value } = (item ?? {}) as { name?: unknown; value?: unknown };
    if (typeof name === 'string') entryEnv[name] = String(value ?? '');
  }
  const tool = basename(command);
  if (tool === 'eks-token') {
    const [style, ...rest] = args;
    if (style !== 'token' && style !== 'get-token')
      return {
        status: 'fail',
        area: 'kubeconfig',
        detail: `${where}: eks-token ${style ?? ''} does not print a token`,
        fix: 'make the first argument token or get-token',
      };
    const parsed = parse(rest, entryEnv, style, requests);
    if (parsed) return { ...parsed, detail: `${where}: ${parsed.detail}` };
    const missing = findsCommand(command, env);
    if (missing)
      return {
        status: 'fail',
        area: 'kubeconfig',
        detail: `${where}: ${missing}`,
        fix: 'run eks-token kubeconfig again (it writes a command kubectl finds), or add its directory to PATH',
      };
    return {
      status: 'ok',
      area: 'kubeconfig',
      detail: `${where}: ${command} ${style}, arguments parse (cluster ${requests.at(-1)?.clusterId})`,
    };
  }
  const awsAt = args.indexOf('get-token');
  const isAws = tool === 'aws' && awsAt > 0 && args[awsAt - 1] === 'eks';
  const isAuthenticator = tool === 'aws-iam-authenticator' && args[0] === 'token';
  if (!isAws && !isAuthenticator) return undefined;
  const style = isAws ? 'get-token' : 'token';
  const rest = isAws ? [...args.slice(0, awsAt - 1), ...args.slice(awsAt + 1)] : args.slice(1);
  const parsed = parse(rest, entryEnv, style, requests);
  const what = isAws ? 'aws eks get-token' : 'aws-iam-authenticator token';
  return {
    status: 'warn',
    area: 'kubeconfig',
    detail: `${where}: still runs ${what}${parsed ? `, and eks-token would refuse its arguments (${parsed.detail})` : ''}`,
    fix: parsed
      ? 'rewrite the entry with eks-token kubeconfig'
      : `eks-token kubeconfig --migrate --kubeconfig ${file} (--dry-run first shows the change)`,
  };
}

// A check for arguments that do not parse; undefined (and the request noted) when they do.
function parse(
  args: string[],
  env: Env,
  style: 'token' | 'get-token',
  requests: TokenRequest[],
): Check | undefined {
  try {
    requests.push(parseTokenCommand(args, env, style).request);
    return undefined;
  } catch (error) {
    return {
      status: 'fail',
      area: 'kubeconfig',
      detail: `arguments do not parse: ${formatErrorLine(error).replace(/^eks-token: /, '')}`,
    };
  }
}

// Why kubectl cannot run the command, or undefined when it can.
function findsCommand(command: string, env: Env): string | undefined {
  if (!command.includes('/'))
    return findOnPath(command, env.PATH)?.startsWith('/') ? undefined : `kubectl finds no ${command} on PATH`;
  return findOnPath(basename(command), command.slice(0, command.lastIndexOf('/')))
    ? undefined
    : `${command} is not an executable file`;
}
