import { EksTokenError } from './EksTokenError.js';

/** The ExecCredential API versions kubectl may ask for. */
export type ExecApiVersion = 'client.authentication.k8s.io/v1' | 'client.authentication.k8s.io/v1beta1';

/** What kubectl tells an exec plugin through KUBERNETES_EXEC_INFO. */
export interface ExecInfo {
  apiVersion: ExecApiVersion;
  interactive: boolean;
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
  let parsed: { apiVersion?: unknown; spec?: { interactive?: unknown } };
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
  if (apiVersion === undefined || apiVersion === '') {
    return {
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      interactive: parsed?.spec?.interactive === true,
    };
  }
  if (typeof apiVersion !== 'string' || !SUPPORTED.has(apiVersion)) {
    throw new EksTokenError(
      'E_BAD_API_VERSION',
      `KUBERNETES_EXEC_INFO asks for apiVersion ${JSON.stringify(apiVersion)}, which eks-token does not speak`,
      'use client.authentication.k8s.io/v1 or client.authentication.k8s.io/v1beta1 in the kubeconfig user exec section',
    );
  }
  return { apiVersion: apiVersion as ExecApiVersion, interactive: parsed?.spec?.interactive === true };
}

/** Formats an RFC 3339 UTC timestamp with whole seconds, as client-go parses it. */
export function formatTimestamp(epochMs: number): string {
  return `${new Date(Math.floor(epochMs / 1000) * 1000).toISOString().slice(0, 19)}Z`;
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
