import type { ColumnType, RelationName } from '../../compile/index.js';
import type { ModelConfig } from '../../config/index.js';
import { BaseDialect } from '../base-dialect.js';

export class DuckdbDialect extends BaseDialect {
  /** DuckDB's VARCHAR has no length limit; the declared length is checked while loading instead. */
  override columnType(type: ColumnType): string {
    if (type.base === 'varchar' || type.base === 'char') return 'varchar';
    if (type.base === 'double') return 'double';
    return super.columnType(type);
  }

  /**
   * Incremental runs stage new rows in a temporary table, held in memory (spilling if it must) rather than
   * written to the database file only to be copied into the target and dropped.
   */
  override stagingRelation(_target: RelationName, identifier: string): RelationName {
    return { schema: 'temp', identifier };
  }

  override createStagingTableAs(relation: RelationName, sql: string, _config?: ModelConfig): string {
    return `create temporary table ${this.quoteRelation(relation)} as\n${sql}`;
  }
}
