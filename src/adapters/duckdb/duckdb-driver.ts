import { existsSync, mkdirSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { DuckdbTarget } from '../../config/index.js';
import { SqlkitError } from '../../errors/index.js';
import { cancelledBeforeStart, cancelWhileRunning } from '../cancellation.js';
import { sqlStringLiteral } from '../base-dialect.js';
import { SessionPool } from '../session-pool.js';
import { executeInTransaction } from '../transaction.js';
import type { Driver, ExecuteOptions, QueryResult, Session } from '../types.js';

const SAFE_INTEGER_TYPES = new Set(['BIGINT', 'HUGEINT', 'UBIGINT', 'UHUGEINT']);
/** An interrupt that lands before DuckDB starts the query is lost; it is repeated until the query returns. */
const INTERRUPT_RETRY_MS = 50;

/**
 * One DuckDB database per run, one connection per thread. DuckDB settings from the target are applied once;
 * insertion order is not preserved because loading thousands of small JSON files is several times faster
 * without it (shared/research/peers.md), and no sqlkit statement relies on it.
 */
export class DuckdbDriver implements Driver {
  private instance: DuckDBInstance | undefined;
  private opening: Promise<void> | undefined;
  private readonly pool: SessionPool<DuckdbSession>;
  readonly databasePath: string;

  constructor(
    private readonly target: DuckdbTarget,
    projectRoot: string,
  ) {
    this.databasePath = target.path === ':memory:' || isAbsolute(target.path) ? target.path : join(projectRoot, target.path);
    this.pool = new SessionPool(target.threads + 1, async () => new DuckdbSession(await this.requireInstance().connect()));
  }

  open(): Promise<void> {
    // One open at a time: a second call while the first is in flight waits for it. A failed open is not kept, so
    // the next call tries again (a lock held by another process may be gone by then).
    this.opening ??= this.openInstance().catch((error: unknown) => {
      this.opening = undefined;
      throw error;
    });
    return this.opening;
  }

  /** Only a database that exists: opening a missing one would create it, even if the run then never starts. */
  startOpening(): void {
    if (this.databasePath === ':memory:' || existsSync(this.databasePath)) this.open().catch(() => undefined);
  }

  private async openInstance(): Promise<void> {
    try {
      if (this.databasePath !== ':memory:') mkdirSync(dirname(this.databasePath), { recursive: true });
      // DuckDB sizes its own worker pool to the machine's cores; the target's `threads` is how many nodes sqlkit
      // runs at once, a different thing (set `settings: { threads: N }` to cap DuckDB).
      this.instance = await DuckDBInstance.create(this.databasePath);
    } catch (error) {
      // A lock held by another process has its own code (duckdb-errors.ts); any other failure here is a path that
      // cannot be opened, not an SQL error.
      const message = error instanceof Error ? error.message : String(error);
      if (/Could not set lock on file/.test(message)) throw error;
      throw new SqlkitError('ADAPTER_CONNECTION', `Cannot open the DuckDB database ${this.databasePath}: ${message.split('\n')[0]}`, {
        hint: "Check the target's path in project.yml: its folder must be creatable and writable.",
        cause: error,
      });
    }
    const connection = await this.instance.connect();
    try {
      await connection.run('set preserve_insertion_order = false');
      for (const [name, value] of Object.entries(this.target.settings)) {
        await connection.run(`set ${name} = ${typeof value === 'string' ? sqlStringLiteral(value) : String(value)}`);
      }
    } finally {
      connection.closeSync();
    }
  }

  acquire(): Promise<Session> {
    return this.pool.acquire();
  }

  release(session: Session): void {
    this.pool.release(session as DuckdbSession);
  }

  async cancelAll(): Promise<void> {
    for (const session of this.pool.sessions()) session.interrupt();
  }

  async close(): Promise<void> {
    await this.opening?.catch(() => undefined);
    this.opening = undefined;
    for (const session of this.pool.drain()) session.close();
    this.instance?.closeSync();
    this.instance = undefined;
  }

  private requireInstance(): DuckDBInstance {
    if (!this.instance) throw new Error('DuckDB driver used before open()');
    return this.instance;
  }
}

class DuckdbSession implements Session {
  private inStatement = false;

  constructor(private readonly connection: DuckDBConnection) {}

  async execute(sql: string, options: ExecuteOptions = {}): Promise<QueryResult> {
    if (options.signal?.aborted) throw cancelledBeforeStart();
    const stopCancelling = cancelWhileRunning(options.signal, () => this.interrupt(), INTERRUPT_RETRY_MS);
    this.inStatement = true;
    try {
      const reader = await this.connection.runAndReadAll(sql);
      const names = reader.columnNames();
      const types = reader.columnTypes().map((t) => t.toString());
      const rows = reader.getRowsJson().map((row) => row.map((value, i) => normalise(value, types[i]!)));
      const isCount = names.length === 1 && names[0] === 'Count' && rows.length === 1;
      return {
        columns: names.map((name, i) => ({ name, type: types[i]! })),
        rows: isCount ? [] : rows,
        rowCount: isCount ? Number(rows[0]![0]) : rows.length,
      };
    } finally {
      this.inStatement = false;
      stopCancelling();
    }
  }

  executeAtomic(statements: readonly string[], options: ExecuteOptions = {}): Promise<QueryResult[]> {
    const run = (sql: string) => () => this.connection.run(sql);
    return executeInTransaction({ begin: run('begin transaction'), commit: run('commit'), rollback: run('rollback') }, statements, (sql) => this.execute(sql, options));
  }

  /**
   * Interrupts the statement this session runs, if any. Never a COMMIT: DuckDB reports an interrupted COMMIT as
   * failed after it has committed, so a node would claim to have kept the old table when the new one is in place.
   * (An interrupt between statements is dropped, not kept for the next one.)
   */
  interrupt(): void {
    if (this.inStatement) this.connection.interrupt();
  }

  close(): void {
    this.connection.closeSync();
  }
}

function normalise(value: unknown, type: string): unknown {
  if (typeof value === 'string' && SAFE_INTEGER_TYPES.has(type)) {
    const number = Number(value);
    return Number.isSafeInteger(number) ? number : value;
  }
  return value;
}
