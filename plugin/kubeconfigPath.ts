import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The file to edit: --kubeconfig, else the first file in KUBECONFIG, else ~/.kube/config (as aws eks update-kubeconfig). */
export function kubeconfigPath(flag: string | undefined, env: Record<string, string | undefined>): string {
  if (flag) return flag;
  const first = env.KUBECONFIG?.split(delimiter).find((p) => p !== '');
  if (first) return first;
  return join(env.HOME || homedir(), '.kube', 'config');
}
