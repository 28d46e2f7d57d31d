import type { RelationName } from '../../compile/index.js';
import { BaseDialect } from '../base-dialect.js';

export class PostgresDialect extends BaseDialect {
  /**
   * Autovacuum analyzes a new table only after a delay, and until then the planner guesses row counts: a join
   * over freshly loaded Sparkify tables took 4 s instead of 60 ms. Analyze right after each bulk write.
   */
  override analyze(relation: RelationName): string | undefined {
    return `analyze ${this.quoteRelation(relation)}`;
  }
}
