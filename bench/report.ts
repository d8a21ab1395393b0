import type { StartupResult } from './startup.js';

/** Escapes text for SVG. */
function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A horizontal bar chart of startup medians (log-free: the floor and the peer on one scale). */
export function startupChartSvg(results: StartupResult[], title: string): string {
  const rowHeight = 26;
  const left = 330;
  const width = 900;
  const max = Math.max(...results.map((r) => r.medianMs), 1);
  const scale = (width - left - 90) / max;
  const rows = results.map((r, i) => {
    const y = 40 + i * rowHeight;
    const w = Math.max(1, r.medianMs * scale);
    const color = r.name.startsWith('node')
      ? '#888'
      : r.name.startsWith('aws')
        ? '#d9822b'
        : r.name.includes('hot')
          ? '#2b8a3e'
          : '#1c7ed6';
    return `<text x="${left - 8}" y="${y + 17}" text-anchor="end" font-size="13">${esc(r.name)}</text><rect x="${left}" y="${y + 4}" width="${w.toFixed(1)}" height="18" fill="${color}"/><text x="${(left + w + 6).toFixed(1)}" y="${y + 17}" font-size="13">${r.medianMs.toFixed(1)} ms</text>`;
  });
  const height = 50 + results.length * rowHeight;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif"><rect width="100%" height="100%" fill="white"/><text x="10" y="24" font-size="15" font-weight="bold">${esc(title)}</text>${rows.join('')}</svg>\n`;
}

/** A Markdown table. */
export function table(header: string[], rows: Array<Array<string | number>>): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}
