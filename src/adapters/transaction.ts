import { markFailedStatement, type QueryResult } from './types.js';

/** How a session starts, ends and undoes a transaction, in its engine's words. */
export interface TransactionControl {
  begin(): Promise<unknown>;
  commit(): Promise<unknown>;
  rollback(): Promise<unknown>;
}

/**
 * Runs statements in one transaction: all of them commit, or the first failure rolls everything back and is
 * rethrown marked with the index of the statement that failed.
 */
export async function executeInTransaction(control: TransactionControl, statements: readonly string[], execute: (sql: string) => Promise<QueryResult>): Promise<QueryResult[]> {
  await control.begin();
  const results: QueryResult[] = [];
  try {
    for (const [index, sql] of statements.entries()) {
      try {
        results.push(await execute(sql));
      } catch (error) {
        throw markFailedStatement(error, index);
      }
    }
    await control.commit();
    return results;
  } catch (error) {
    await control.rollback().catch(() => undefined);
    throw error;
  }
}
