import type { RelationName } from '../compile/index.js';
import type { Relation, RelationType, SqlDialect } from '../adapters/types.js';

/**
 * Statements that put `staging` (already built) in place of `target` inside one transaction: the old relation is
 * renamed away, the new one renamed in, the old one dropped. Readers see the old or the new relation, never none.
 */
export function swapStatements(
  dialect: SqlDialect,
  staging: RelationName,
  stagingType: RelationType,
  target: RelationName,
  backup: RelationName,
  existing: Relation | undefined,
): string[] {
  const statements: string[] = [];
  if (existing) statements.push(dialect.renameRelation(target, existing.type, backup.identifier));
  statements.push(dialect.renameRelation(staging, stagingType, target.identifier));
  if (existing) statements.push(dialect.dropRelation(backup, existing.type));
  return statements;
}

/** Names for the temporary relations of one run, short enough for every engine and unique per run. */
export function temporaryName(identifier: string, kind: 'new' | 'old' | 'incr', runId: string, maxLength: number): string {
  const suffix = `__sqlkit_${kind}_${runId}`;
  const room = Math.max(1, maxLength - suffix.length);
  return `${identifier.slice(0, room)}${suffix}`;
}

export const TEMPORARY_MARKER = /__sqlkit_(new|old|incr)_([a-z0-9]+)$/;
