import type { ColumnType } from '../../compile/index.js';
import { BaseDialect } from '../base-dialect.js';

/** DuckDB's catalog of the connection's temporary tables; `"temp"."x"` names one. */
const DUCKDB_TEMPORARY_SCHEMA = 'temp';

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
  protected override readonly temporarySchema = DUCKDB_TEMPORARY_SCHEMA;
}
