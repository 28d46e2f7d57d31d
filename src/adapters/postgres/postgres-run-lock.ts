import type pg from 'pg';
import type { RunRegistry, Session } from '../types.js';
import { sqlStringLiteral } from '../base-dialect.js';

const lockKey = (runId: string) => `hashtext(${sqlStringLiteral(`sqlkit-run:${runId}`)})`;

/**
 * Each run holds a session-level advisory lock keyed by its run id, on a connection of its own kept open for the
 * whole run. The server releases the lock when that connection ends, also when sqlkit is killed, so a leftover's run
 * is over exactly when its lock can be taken.
 */
export class PostgresRunLock implements RunRegistry {
  private client: pg.Client | undefined;

  constructor(private readonly connect: () => Promise<pg.Client>) {}

  async begin(runId: string): Promise<void> {
    const client = await this.connect();
    try {
      await client.query(`select pg_advisory_lock(${lockKey(runId)})`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    this.client = client;
  }

  async liveRuns(session: Session, runIds: readonly string[]): Promise<Set<string>> {
    const live = new Set<string>();
    for (const runId of runIds) {
      const taken = (await session.execute(`select pg_try_advisory_lock(${lockKey(runId)})`)).rows[0]?.[0];
      // Taken means its owner is gone; released at once, as the leftover is dropped by name, not under the lock.
      if (taken === true) await session.execute(`select pg_advisory_unlock(${lockKey(runId)})`);
      else live.add(runId);
    }
    return live;
  }

  async end(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
