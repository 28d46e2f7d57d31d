import type { Relation } from '../adapters/types.js';
import type { RelationName } from '../compile/index.js';
import type { MaterializeContext } from './context.js';

/**
 * Wraps swap statements so views reading the old relation keep working. Engines whose views bind by name need
 * nothing; on engines whose views bind to the relation itself (PostgreSQL binds by OID), the dependent views are
 * dropped before the swap and re-created after it, inside the same transaction.
 */
export async function rebuildDependentViews(ctx: MaterializeContext, target: RelationName, existing: Relation | undefined, swap: string[]): Promise<string[]> {
  const { capabilities, introspector, dialect } = ctx.adapter;
  if (capabilities.viewsBindByName || !existing || !introspector.dependentViews) return swap;
  const views = await introspector.dependentViews(ctx.session, existing);
  if (views.length === 0) return swap;
  const drops = [...views].reverse().map((view) => dialect.dropRelation(view.relation, 'view'));
  const creates = views.map((view) => dialect.createView(view.relation, view.sql));
  return [...drops, ...swap, ...creates];
}
