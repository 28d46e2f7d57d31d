import type { RedshiftTarget } from '../../config/index.js';
import type { RunRegistry, Session, SqlDialect } from '../types.js';
import type { RedshiftDataApiDriver } from './redshift-data-api-driver.js';

const RUNS_TABLE = 'sqlkit_runs';
/** Attempts at registering: the table (or the schema) may be missing, or another run may be creating it right now. */
const REGISTER_ATTEMPTS = 3;

/**
 * Redshift has no advisory locks, and each Data API statement runs in a session of its own, so nothing on the server
 * lives exactly as long as a run. A run registers in `<target schema>.sqlkit_runs`, refreshes its heartbeat while it
 * runs (every third of `stale_run_seconds`) and deletes its row at the end. A run whose row is missing or whose
 * heartbeat is older than `stale_run_seconds` is over: a killed run's row goes stale and the next registration
 * deletes it. One Data API call to register, one to end, one per heartbeat, one per cleanup that finds leftovers.
 */
export class RedshiftRunRegistry implements RunRegistry {
  private runId: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> | undefined;

  constructor(
    private readonly driver: RedshiftDataApiDriver,
    private readonly dialect: SqlDialect,
    private readonly target: Pick<RedshiftTarget, 'schema' | 'stale_run_seconds'>,
  ) {}

  async begin(runId: string): Promise<void> {
    const table = this.table();
    const register = [
      `create table if not exists ${table} (run_id varchar(64), started_at timestamp, heartbeat_at timestamp)`,
      `delete from ${table} where heartbeat_at < ${this.staleBefore()}`,
      `insert into ${table} (run_id, started_at, heartbeat_at) values (${this.dialect.stringLiteral(runId)}, getdate(), getdate())`,
    ];
    for (let attempt = 1; ; attempt++) {
      try {
        // The schema is created only when registering failed: `create schema` needs a privilege that using an
        // existing schema does not. A concurrent first run creating the same table fails one of the two (PostgreSQL
        // underneath the stand-in reports a duplicate key); on the next attempt the table is there.
        await this.execute(attempt === 1 ? register : [this.dialect.createSchema(this.target.schema), ...register]);
        break;
      } catch (error) {
        if (attempt === REGISTER_ATTEMPTS) throw error;
      }
    }
    this.runId = runId;
    this.timer = setInterval(() => this.heartbeat(), (this.target.stale_run_seconds * 1000) / 3);
    this.timer.unref();
  }

  async liveRuns(session: Session, runIds: readonly string[]): Promise<Set<string>> {
    if (runIds.length === 0) return new Set();
    const ids = runIds.map((id) => this.dialect.stringLiteral(id)).join(', ');
    const result = await session.execute(`select run_id from ${this.table()} where run_id in (${ids}) and heartbeat_at >= ${this.staleBefore()}`);
    return new Set(result.rows.map(([id]) => String(id)));
  }

  async end(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.beating;
    const runId = this.runId;
    this.runId = undefined;
    if (runId === undefined) return;
    // A row left behind (the call failed) goes stale and is deleted by a later run.
    await this.execute([`delete from ${this.table()} where run_id = ${this.dialect.stringLiteral(runId)}`]).catch(() => undefined);
  }

  /** A failed heartbeat is not fatal: the next one, a third of the window later, refreshes the row. */
  private heartbeat(): void {
    if (this.beating || this.runId === undefined) return;
    const sql = `update ${this.table()} set heartbeat_at = getdate() where run_id = ${this.dialect.stringLiteral(this.runId)}`;
    this.beating = this.execute([sql])
      .catch(() => undefined)
      .finally(() => (this.beating = undefined));
  }

  private async execute(sqls: readonly string[]): Promise<void> {
    await this.driver.wait(await this.driver.submit(sqls), {});
  }

  private table(): string {
    return this.dialect.quoteRelation({ schema: this.target.schema, identifier: RUNS_TABLE });
  }

  private staleBefore(): string {
    return `dateadd(second, -${this.target.stale_run_seconds}, getdate())`;
  }
}
