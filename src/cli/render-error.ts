import { errorsOf, toSqlkitError, type SqlkitError } from '../errors/index.js';
import type { Output } from './output.js';

/**
 * `error[CODE]: message`, then where (file:line:col), the offending line, related files and the hint. Secrets are
 * scrubbed by `output` when the lines are printed.
 */
export function renderError(error: SqlkitError, output: Output): string[] {
  const c = output.colors;
  const lines = [`${c.red(c.bold(`error[${error.code}]`))}: ${error.message}`];
  const loc = error.location;
  if (loc?.file) {
    lines.push(`  ${c.cyan('-->')} ${loc.file}${loc.line ? `:${loc.line}` : ''}${loc.line && loc.column ? `:${loc.column}` : ''}`);
    if (loc.line && loc.snippet !== undefined) {
      const gutter = String(loc.line);
      lines.push(`  ${' '.repeat(gutter.length)} ${c.cyan('|')}`);
      lines.push(`  ${c.cyan(gutter)} ${c.cyan('|')} ${loc.snippet}`);
      if (loc.column) lines.push(`  ${' '.repeat(gutter.length)} ${c.cyan('|')} ${' '.repeat(Math.max(0, loc.column - 1))}${c.red('^')}`);
    }
  }
  for (const related of error.related ?? []) lines.push(`  ${c.cyan('see')} ${related.file}${related.line ? `:${related.line}` : ''}`);
  if (error.hint) lines.push(`  ${c.green('hint')}: ${error.hint}`);
  if (output.debug && error.stack) lines.push(c.dim(error.stack));
  const cause = error.cause;
  if (output.debug && cause instanceof Error && cause.stack) lines.push(c.dim(`caused by: ${cause.stack}`));
  return lines;
}

export function errorsToRender(value: unknown): SqlkitError[] {
  return errorsOf(value) ?? [toSqlkitError(value)];
}
