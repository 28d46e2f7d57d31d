import type { RelationName, SourceNode } from '../../compile/index.js';
import { SqlkitError } from '../../errors/index.js';
import type { LoadError } from '../types.js';

export const MALFORMED_JSON = 'malformed JSON';

/** The error for a load that met more bad rows than max_errors allows: points at the first bad line. */
export function loadFailure(node: SourceNode, errors: readonly LoadError[], totalErrors: number, maxErrors: number, loadErrors: RelationName): SqlkitError {
  const first = errors[0]!;
  const malformed = first.reason.startsWith(MALFORMED_JSON);
  const code = maxErrors > 0 ? 'LOAD_TOO_MANY_ERRORS' : malformed ? 'LOAD_MALFORMED_JSON' : 'LOAD_BAD_VALUE';
  const count = totalErrors === 1 ? '1 bad row' : `${totalErrors} bad rows`;
  return new SqlkitError(
    code,
    `Loading source '${node.name}' failed: ${first.reason} at ${first.file}:${first.line} (${count}; max_errors is ${maxErrors}).`,
    {
      location: { file: first.file, line: first.line, snippet: first.rawLine.slice(0, 200) },
      related: [{ file: node.path, ...(node.line ? { line: node.line } : {}) }],
      node: node.uniqueId,
      hint: `Fix or remove the bad line, or set max_errors: N on '${node.tableName}' in ${node.path} to skip up to N bad rows. Rejected rows are recorded in ${loadErrors.schema}.${loadErrors.identifier}. The previous table was left unchanged.`,
    },
  );
}
