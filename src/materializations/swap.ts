import type { RelationName } from '../compile/index.js';
import type { Relation, RelationType, SqlDialect } from '../adapters/types.js';
import { shortHash } from '../util/checksum.js';

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

const HASH_LENGTH = 8;

/**
 * `identifier` cut to `maxLength` characters. A cut name ends with a short hash of the whole name, so two long
 * names sharing their first `maxLength` characters stay distinct (PostgreSQL keeps 63: `orders_by_customer_region_a`
 * and `..._b` would otherwise build into the same temporary table).
 */
export function fitIdentifier(identifier: string, maxLength: number): string {
  if (identifier.length <= maxLength) return identifier;
  const hash = shortHash(identifier, HASH_LENGTH);
  if (maxLength <= HASH_LENGTH + 1) return hash.slice(0, Math.max(1, maxLength));
  return `${identifier.slice(0, maxLength - HASH_LENGTH - 1)}_${hash}`;
}

/** Names for the temporary relations of one run, short enough for every engine and unique per run. */
export function temporaryName(identifier: string, kind: 'new' | 'old' | 'incr', runId: string, maxLength: number): string {
  const suffix = `__sqlkit_${kind}_${runId}`;
  return `${fitIdentifier(identifier, Math.max(1, maxLength - suffix.length))}${suffix}`;
}

/** Beside `target`: the relation a run builds to swap in (`new`), and the name the old one is renamed to (`old`). */
export function swapRelations(target: RelationName, runId: string, maxLength: number): { staging: RelationName; backup: RelationName } {
  return {
    staging: { schema: target.schema, identifier: temporaryName(target.identifier, 'new', runId, maxLength) },
    backup: { schema: target.schema, identifier: temporaryName(target.identifier, 'old', runId, maxLength) },
  };
}

export const TEMPORARY_MARKER = /__sqlkit_(new|old|incr)_([a-z0-9]+)$/;
