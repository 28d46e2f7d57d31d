import { DuckDBInstance } from '@duckdb/node-api';

/** Reads a DuckDB database file directly (not through sqlkit), to check what a run left behind; `writable` to change it. */
export async function queryDuckdb<T = Record<string, unknown>>(path: string, sql: string, options: { writable?: boolean } = {}): Promise<T[]> {
  const instance = await DuckDBInstance.create(path, { access_mode: options.writable ? 'READ_WRITE' : 'READ_ONLY' });
  try {
    const connection = await instance.connect();
    try {
      const reader = await connection.runAndReadAll(sql);
      return reader.getRowObjectsJson() as T[];
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}
