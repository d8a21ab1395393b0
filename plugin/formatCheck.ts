/** How one doctor check came out. */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

/** One line of `eks-token doctor`: what was checked, what was found, and the fix when not ok. */
export interface Check {
  status: CheckStatus;
  /** Short name of the area: node, path, kubeconfig, credentials, clock, dns, daemon, ca. */
  area: string;
  detail: string;
  fix?: string;
}

/** The check as one line: status, area, what was found, and the fix. */
export function formatCheck(check: Check): string {
  const fix = check.fix ? `; fix: ${check.fix}` : '';
  return `${check.status.padEnd(4)} ${check.area.padEnd(11)} ${check.detail}${fix}`;
}
