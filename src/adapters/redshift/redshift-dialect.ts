import type { RelationName } from '../../compile/index.js';
import type { ModelConfig } from '../../config/index.js';
import { PostgresDialect } from '../postgres/postgres-dialect.js';

/** Redshift SQL: PostgreSQL's, plus physical table options and late-binding views. */
export class RedshiftDialect extends PostgresDialect {
  /** Redshift's serializable isolation fails the second of two racing merges rather than letting both insert. */
  override lockForMerge(_relation: RelationName): string | undefined {
    return undefined;
  }

  /** CTAS takes DISTSTYLE / DISTKEY / SORTKEY between the table name and AS. */
  override createTableAs(relation: RelationName, sql: string, config?: ModelConfig): string {
    const options = this.tableOptions(config);
    return `create table ${this.quoteRelation(relation)}${options ? `\n${options}` : ''}\nas\n${sql}`;
  }

  /** `bind: false` makes a late-binding view: it names relations only when queried, so swaps never touch it. */
  override createView(relation: RelationName, sql: string, config?: ModelConfig): string {
    return `create view ${this.quoteRelation(relation)} as\n${sql}${config?.bind === false ? '\nwith no schema binding' : ''}`;
  }

  /** COPY and CTAS update statistics themselves (STATUPDATE, automatic analyze). */
  override analyze(_relation: RelationName): string | undefined {
    return undefined;
  }

  /** Data API statements may run in different sessions, so staged rows go to a real table, not a temporary one. */
  protected override readonly temporarySchema: string | undefined = undefined;

  /** Redshift's DELETE takes no alias for its target: the key columns are qualified by the bare table names. */
  protected override keyQualifier(relation: RelationName): string {
    return this.quoteIdentifier(relation.identifier);
  }

  tableOptions(config?: ModelConfig): string {
    const parts: string[] = [];
    const dist = config?.dist?.toLowerCase();
    if (dist === 'auto' || dist === 'even' || dist === 'all') parts.push(`diststyle ${dist}`);
    else if (config?.dist) parts.push(`diststyle key distkey(${this.quoteIdentifier(config.dist)})`);
    if (config?.sort?.length) parts.push(`${config.sort_type === 'interleaved' ? 'interleaved ' : 'compound '}sortkey(${config.sort.map((c) => this.quoteIdentifier(c)).join(', ')})`);
    return parts.join(' ');
  }
}
