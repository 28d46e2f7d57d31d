import { SqlkitError, type ErrorCode, type SourceLocation } from '../errors/index.js';
import { positionOf } from '../util/text.js';
import type { ErrorContext } from './types.js';

export interface EnginePosition {
  /** 1-based line within the statement sent. */
  line?: number;
  /** 1-based character offset within the statement sent (PostgreSQL's `position`). */
  offset?: number;
}

/**
 * An engine error as a SqlkitError: the engine's message, the node it belongs to, and a location in the compiled
 * SQL file (the statement's line minus the wrapper sqlkit put around the node's SQL), with the model file related.
 */
export function sqlError(message: string, position: EnginePosition, context: ErrorContext, code: ErrorCode = 'ADAPTER_SQL', hint?: string): SqlkitError {
  const location = compiledLocation(position, context);
  const related: SourceLocation[] = [];
  if (context.nodePath && context.nodePath !== location?.file) related.push({ file: context.nodePath });
  return new SqlkitError(code, message, {
    ...(location ? { location } : {}),
    ...(related.length ? { related } : {}),
    ...(context.node ? { node: context.node } : {}),
    hint:
      hint ??
      (context.compiledPath
        ? `Fix the SQL in ${context.nodePath ?? 'the model'}; the exact SQL sent is in ${context.compiledPath}.`
        : 'Check the SQL sent to the warehouse.'),
  });
}

function compiledLocation(position: EnginePosition, context: ErrorContext): SourceLocation | undefined {
  const file = context.compiledPath ?? context.nodePath;
  if (!file) return undefined;
  const sql = context.sql;
  let line = position.line;
  if (line === undefined && position.offset !== undefined && sql) line = positionOf(sql, position.offset - 1).line;
  if (line === undefined || !sql) return { file };
  const wrapperLines = context.nodeSqlOffset === undefined ? 0 : positionOf(sql, context.nodeSqlOffset).line - 1;
  const compiledLine = line - wrapperLines;
  return compiledLine >= 1 ? { file, line: compiledLine } : { file };
}
