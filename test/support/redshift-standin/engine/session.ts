import type pg from 'pg';
import type { DatabaseHandle } from './database-registry.js';

const pids = new WeakMap<pg.PoolClient, number>();

/** One Data API session: a pooled connection, reset with DISCARD ALL when released. */
export class Session {
  inTransaction = false;

  private constructor(
    readonly client: pg.PoolClient,
    readonly pid: number,
    readonly db: DatabaseHandle,
  ) {}

  static async open(db: DatabaseHandle): Promise<Session> {
    const client = await db.pool.connect();
    let pid = pids.get(client);
    if (pid === undefined) {
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      pid = rows[0]!.pid;
      pids.set(client, pid);
    }
    return new Session(client, pid, db);
  }

  async begin(): Promise<void> {
    await this.client.query('BEGIN');
    this.inTransaction = true;
  }

  async commit(): Promise<void> {
    this.inTransaction = false;
    await this.client.query('COMMIT');
  }

  async rollback(): Promise<void> {
    this.inTransaction = false;
    await this.client.query('ROLLBACK');
  }

  /** Runs fn inside a transaction: the caller's batch transaction, or a new one committed on success. */
  async inTransactionDo<T>(fn: () => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn();
    await this.begin();
    try {
      const result = await fn();
      await this.commit();
      return result;
    } catch (error) {
      await this.rollback().catch(() => undefined);
      throw error;
    }
  }

  /** Temp tables, SET and pg_last_* never carry over to the next statement's session. */
  async close(): Promise<void> {
    try {
      if (this.inTransaction) await this.client.query('ROLLBACK');
      // Fails inside a transaction block the session lost track of; the connection is then destroyed instead.
      await this.client.query('DISCARD ALL');
      this.client.release();
    } catch (error) {
      this.client.release(error instanceof Error ? error : true);
    }
  }
}
