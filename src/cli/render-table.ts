import type { QueryResult } from '../adapters/types.js';

const MAX_WIDTH = 48;

/** A plain text table, columns padded to their widest value (capped), numbers aligned right. */
export function renderTable(result: QueryResult): string[] {
  const headers = result.columns.map((c) => c.name);
  const cells = result.rows.map((row) => row.map(formatCell));
  const widths = headers.map((h, i) => Math.min(MAX_WIDTH, Math.max(h.length, ...cells.map((r) => r[i]!.length))));
  const numeric = headers.map((_, i) => result.rows.length > 0 && result.rows.every((r) => r[i] === null || typeof r[i] === 'number'));
  const fit = (text: string, i: number) => {
    const clipped = text.length > widths[i]! ? `${text.slice(0, widths[i]! - 1)}…` : text;
    return numeric[i] ? clipped.padStart(widths[i]!) : clipped.padEnd(widths[i]!);
  };
  const line = (values: string[]) => `| ${values.map(fit).join(' | ')} |`;
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  return [rule, line(headers), rule, ...cells.map(line), rule];
}

function formatCell(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
