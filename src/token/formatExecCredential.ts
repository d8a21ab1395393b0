import { EksTokenError } from '../shared/EksTokenError.js';

/** The ExecCredential API versions kubectl may ask for. */
export type ExecApiVersion = 'client.authentication.k8s.io/v1' | 'client.authentication.k8s.io/v1beta1';

/** What kubectl tells an exec plugin through KUBERNETES_EXEC_INFO. */
export interface ExecInfo {
  apiVersion: ExecApiVersion;
  interactive: boolean;
  /**
   * The cluster's exec extension (spec.cluster.config, with provideClusterInfo): a blue/green entry's
   * candidates, read by src/kubeconfig/BlueGreenExtension.ts (loaded only when there is one).
   */
  clusterConfig?: unknown;
}

const SUPPORTED = new Set<string>([
  'client.authentication.k8s.io/v1',
  'client.authentication.k8s.io/v1beta1',
]);

/** Reads KUBERNETES_EXEC_INFO; missing or empty means v1beta1 and not interactive. */
export function resolveExecInfo(raw: string | undefined): ExecInfo {
  if (raw === undefined || raw.trim() === '') {
    return { apiVersion: 'client.authentication.k8s.io/v1beta1', interactive: false };
  }
  let parsed: { apiVersion?: unknown; spec?: { interactive?: unknown; cluster?: { config?: unknown } } };
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new EksTokenError(
      'E_BAD_EXEC_INFO',
      'KUBERNETES_EXEC_INFO is not valid JSON',
      'unset it, or let kubectl set it',
    );
  }
  const apiVersion = parsed?.apiVersion;
  if (
    apiVersion !== undefined &&
    apiVersion !== '' &&
    (typeof apiVersion !== 'string' || !SUPPORTED.has(apiVersion))
  ) {
    throw new EksTokenError(
      'E_BAD_API_VERSION',
      `KUBERNETES_EXEC_INFO asks for apiVersion ${JSON.stringify(apiVersion)}, which eks-token does not speak`,
      'use client.authentication.k8s.io/v1 or client.authentication.k8s.io/v1beta1 in the kubeconfig user exec section',
    );
  }
  const info: ExecInfo = {
    apiVersion: (apiVersion || 'client.authentication.k8s.io/v1beta1') as ExecApiVersion,
    interactive: parsed?.spec?.interactive === true,
  };
  const clusterConfig = parsed?.spec?.cluster?.config;
  if (clusterConfig !== undefined && clusterConfig !== null) info.clusterConfig = clusterConfig;
  return info;
}

/** Formats an RFC 3339 UTC timestamp with whole seconds, as client-go parses it. */
export function formatTimestamp(epochMs: number): string {
  const date = new Date(Math.floor(epochMs / 1000) * 1000);
  const year = date.getUTCFullYear();
  // toISOString's first call in a process costs 0.4-0.9 ms (a cache hit's whole own work is a few ms);
  // the UTC getters cost microseconds. Years outside 0-9999 (and invalid dates) are left to it.
  if (!(year >= 0 && year <= 9999)) return `${date.toISOString().slice(0, 19)}Z`;
  const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);
  const day = `${String(year).padStart(4, '0')}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())}`;
  return `${day}T${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}Z`;
}

/** Renders the ExecCredential JSON kubectl reads from the plugin's stdout. */
export function formatExecCredential(apiVersion: ExecApiVersion, token: string, expiresAt: number): string {
  return `${JSON.stringify({
    kind: 'ExecCredential',
    apiVersion,
    spec: {},
    status: { expirationTimestamp: formatTimestamp(expiresAt), token },
  })}\n`;
}

/** What the plugin prints for a token: its notes (and `extraNotes`) for stderr, then the credential (or bare token) for stdout. */
export function formatTokenOutput(
  tokenOnly: boolean,
  apiVersion: ExecApiVersion,
  token: { token: string; expiresAt: number; warnings?: readonly string[] },
  extraNotes: string[] = [],
): { stdout: string; stderr: string } {
  return {
    stdout: tokenOnly ? `${token.token}\n` : formatExecCredential(apiVersion, token.token, token.expiresAt),
    stderr: [...(token.warnings ?? []), ...extraNotes].map((note) => `${note}\n`).join(''),
  };
}
