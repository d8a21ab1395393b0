import type { DaemonStatus } from '../src/protocol/controlReplyParser.js';

/** The human-readable status: a header, the counters and one row per cached token. */
export function formatStatus(status: DaemonStatus): string {
  const c = status.counters;
  const lines = [
    `eks-token daemon ${status.version}, pid ${status.pid}, up ${duration(status.uptimeSeconds)}`,
    `socket: ${status.socket}`,
    `counters: hits ${c.hits}, misses ${c.misses}, renewals ${c.renewals}, errors ${c.errors}, credential fetches ${c.credentialFetches}`,
  ];
  const unserved = Object.entries(status.unserved ?? {});
  if (unserved.length > 0)
    lines.push(`left to the plugin: ${unserved.map(([reason, n]) => `${reason} ${n}`).join(', ')}`);
  if (status.entries.length === 0) return [...lines, 'no cached tokens'].join('\n');
  const rows = [
    ['CLUSTER', 'ROLE', 'REGION', 'EXPIRES IN', 'HITS'],
    ...status.entries.map((e) => [
      e.cluster,
      e.role ?? '-',
      e.region,
      duration(e.expiresInSeconds),
      String(e.hits),
    ]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length))) ?? [];
  const more = (status.entryCount ?? 0) - status.entries.length;
  return [
    ...lines,
    ...rows.map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    ),
    ...(more > 0 ? [`... and ${more} less recently used (--json shows the same rows)`] : []),
  ].join('\n');
}

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}
