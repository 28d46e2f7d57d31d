import type { NodeResult, RunEvent } from '../runner/index.js';
import { plural } from '../util/text.js';
import type { Output } from './output.js';
import { renderTable } from './render-table.js';

const STATUS_LABEL: Record<NodeResult['status'], string> = {
  success: 'OK',
  pass: 'PASS',
  warn: 'WARN',
  fail: 'FAIL',
  error: 'ERROR',
  skipped: 'SKIP',
};

/**
 * Prints one line per finished node as it finishes, then a summary; or one JSON object per event. `output` scrubs
 * secrets from every line.
 */
export function createReporter(output: Output, version: string): (event: RunEvent) => void {
  const c = output.colors;
  if (output.json) {
    return (event) => {
      if (event.type === 'statement' && !output.debug) return;
      if (event.type === 'run_finished') {
        output.event(event.type, { elapsed: event.elapsed, interrupted: event.interrupted, counts: countStatuses(event.results) });
        return;
      }
      output.event(event.type, withoutType(event));
    };
  }
  const colour = (status: NodeResult['status'], text: string) =>
    status === 'success' || status === 'pass' ? c.green(text) : status === 'warn' ? c.yellow(text) : status === 'skipped' ? c.dim(text) : c.red(text);
  return (event) => {
    switch (event.type) {
      case 'run_started':
        output.out(c.bold(`sqlkit ${version} · ${event.command} · target ${event.target} (${event.engine}) · ${plural(event.nodes, 'node')} · ${plural(event.threads, 'thread')}`));
        break;
      case 'statement':
        if (output.debug) output.out(c.dim(`    [${event.uniqueId ?? 'setup'}] ${event.sql.replace(/\s+/g, ' ').slice(0, 300)}`));
        break;
      case 'node_finished': {
        const r = event.result;
        const counter = `${String(event.index).padStart(String(event.total).length)}/${event.total}`;
        const label = colour(r.status, STATUS_LABEL[r.status].padEnd(5));
        const name = `${r.kind.padEnd(11)} ${r.name}`;
        const detail =
          r.status === 'skipped'
            ? r.message
            : r.status === 'error'
              ? (r.error?.code ?? 'error')
              : r.kind === 'load' && r.rowsAffected === 0
                ? r.message
                : r.kept
                  ? 'unchanged, kept'
                  : r.rowsAffected !== undefined && r.resourceType !== 'test'
                    ? plural(r.rowsAffected, 'row')
                    : r.failures
                      ? plural(r.failures, 'failing row')
                      : '';
        output.out(`  ${counter} ${label} ${name.padEnd(52, ' ')} ${detail.padEnd(18)} ${c.dim(`${r.executionTime.toFixed(2)}s`)}`);
        for (const warning of r.warnings ?? []) output.out(`        ${c.yellow('warning')}: ${warning}`);
        break;
      }
      case 'run_finished':
        printSummary(event.results, event.elapsed, event.interrupted);
        break;
      default:
        break;
    }
  };

  function printSummary(results: NodeResult[], elapsed: number, interrupted: boolean): void {
    const problems = results.filter((r) => r.status === 'error' || r.status === 'fail' || r.status === 'warn');
    if (problems.length) output.out('');
    for (const r of problems) {
      output.out(`${colour(r.status, STATUS_LABEL[r.status])} ${c.bold(r.name)} ${c.dim(`(${r.kind})`)}`);
      if (r.error) {
        const where = r.error.file ? `${r.error.file}${r.error.line ? `:${r.error.line}` : ''}${r.error.column ? `:${r.error.column}` : ''} ` : '';
        output.out(`  ${where}${c.red(`error[${r.error.code}]`)}: ${r.error.message}`);
        for (const rel of r.error.related ?? []) output.out(`  ${c.cyan('see')} ${rel.file}${rel.line ? `:${rel.line}` : ''}`);
        if (r.error.hint) output.out(`  ${c.green('hint')}: ${r.error.hint}`);
      } else {
        output.out(`  ${r.message}`);
        if (r.sample && r.sample.rows.length) for (const line of renderTable(r.sample)) output.out(`  ${line}`);
      }
    }
    const counts = countStatuses(results);
    const kept = results.filter((r) => r.kept).length;
    const parts = Object.entries(counts)
      .filter(([, n]) => n > 0)
      .map(([status, n]) => `${n} ${status}${status === 'success' && kept ? ` (${kept} kept)` : ''}`);
    output.out('');
    output.out(`${interrupted ? c.red('Interrupted') : 'Done'} in ${elapsed.toFixed(2)}s: ${parts.join(', ') || 'nothing to do'}.`);
  }
}

/** A warning that is not tied to a node (e.g. a selection that picks nothing): stderr, or a `warning` event. */
export function printWarning(output: Output, message: string): void {
  if (output.json) output.event('warning', { message });
  else output.err(`${output.colors.yellow('warning')}: ${message}`);
}

export function countStatuses(results: readonly NodeResult[]): Record<string, number> {
  const counts: Record<string, number> = { success: 0, pass: 0, warn: 0, fail: 0, error: 0, skipped: 0 };
  for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}

function withoutType(event: RunEvent): Record<string, unknown> {
  const { type: _type, ...rest } = event as unknown as Record<string, unknown>;
  return rest;
}
