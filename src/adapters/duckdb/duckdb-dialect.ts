import type { ColumnType } from '../../compile/index.js';
import { BaseDialect } from '../base-dialect.js';

export class DuckdbDialect extends BaseDialect {
  /** DuckDB's VARCHAR has no length limit; the declared length is checked while loading instead. */
  override columnType(type: ColumnType): string {
    if (type.base === 'varchar' || type.base === 'char') return 'varchar';
    if (type.base === 'double') return 'double';
    return super.columnType(type);
  }
}
