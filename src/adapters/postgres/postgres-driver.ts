import pg from 'pg';
import type { PostgresTarget } from '../../config/index.js';
import { cancelledBeforeStart, cancelWhileRunning } from '../cancellation.js';
import { SessionPool } from '../session-pool.js';
import { executeInTransaction } from '../transaction.js';
import type { Driver, ExecuteOptions, QueryResult, Session } from '../types.js';

const { Client, types } = pg;

const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;
const TIMESTAMP = 1114;
const TIMESTAMPTZ = 1184;

/** pg_cancel_backend reaching a backend between two statements is ignored, so it is repeated until the statement ends. */
const CANCEL_RETRY_MS = 250;
const CLIENT_CHECK_MS = 1000;

/** Keep dates and timestamps as PostgreSQL's text, integers as numbers when exact, numerics as text. */
const TYPE_PARSERS = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8) return (value: string) => (Number.isSafeInteger(Number(value)) ? Number(value) : value);
    if (oid === NUMERIC || oid === DATE || oid === TIMESTAMP || oid === TIMESTAMPTZ) return (value: string) => value;
    return types.getTypeParser(oid, format ?? 'text');
  },
};

/** One pg client per thread; cancellation through pg_cancel_backend from a separate connection. */
export class PostgresDriver implements Driver {
  private readonly pool: SessionPool<PostgresSession>;
  private opened = false;

  constructor(readonly target: PostgresTarget) {
    this.pool = new SessionPool(target.threads + 1, () => this.connect());
  }

  async open(): Promise<void> {
    if (this.opened) return;
    const session = await this.pool.acquire();
    this.pool.release(session);
    this.opened = true;
  }

  acquire(): Promise<Session> {
    return this.pool.acquire();
  }

  release(session: Session): void {
    this.pool.release(session as PostgresSession);
  }

  async cancelAll(): Promise<void> {
    await Promise.all(this.pool.sessions().map((session) => session.cancel()));
  }

  async close(): Promise<void> {
    await Promise.all(this.pool.drain().map((s) => s.client.end().catch(() => undefined)));
    this.opened = false;
  }

  async newClient(): Promise<pg.Client> {
    const { target } = this;
    const client = new Client({
      host: target.host,
      port: target.port,
      user: target.user,
      database: target.database,
      ...(target.password ? { password: target.password } : {}),
      ...(target.sslmode && target.sslmode !== 'disable' ? { ssl: { rejectUnauthorized: target.sslmode === 'verify-full' } } : {}),
      connectionTimeoutMillis: target.connect_timeout * 1000,
      application_name: 'sqlkit',
      ...(target.statement_timeout ? { statement_timeout: target.statement_timeout * 1000 } : {}),
      types: TYPE_PARSERS,
    });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  }

  private async connect(): Promise<PostgresSession> {
    const client = await this.newClient();
    // A backend whose client died (sqlkit killed, network gone) otherwise runs its query to the end, holding the
    // locks of a half-done swap until then; with this check (PostgreSQL 14+) it notices within a second and rolls
    // back. Older servers reject the setting, which changes nothing else.
    await client.query(`set client_connection_check_interval = '${CLIENT_CHECK_MS}ms'`).catch(() => undefined);
    return new PostgresSession(client, this);
  }
}

export class PostgresSession implements Session {
  busy = false;
  /** Statements sent so far, so a cancel aimed at one never reaches the next. */
  private statements = 0;
  readonly pid: number;

  constructor(
    readonly client: pg.Client,
    private readonly driver: PostgresDriver,
  ) {
    this.pid = (client as unknown as { processID: number }).processID;
  }

  async execute(sql: string, options: ExecuteOptions = {}): Promise<QueryResult> {
    if (options.signal?.aborted) throw cancelledBeforeStart();
    const stopCancelling = cancelWhileRunning(options.signal, () => this.cancel(), CANCEL_RETRY_MS);
    this.busy = true;
    this.statements++;
    try {
      const result = await this.client.query({ text: sql, rowMode: 'array' });
      const last = Array.isArray(result) ? result[result.length - 1] : result;
      return {
        columns: (last.fields ?? []).map((f: pg.FieldDef) => ({ name: f.name, type: String(f.dataTypeID) })),
        rows: last.rows ?? [],
        ...(last.rowCount === null || last.rowCount === undefined ? {} : { rowCount: last.rowCount }),
      };
    } finally {
      this.busy = false;
      stopCancelling();
    }
  }

  executeAtomic(statements: readonly string[], options: ExecuteOptions = {}): Promise<QueryResult[]> {
    const run = (sql: string) => () => this.client.query(sql);
    return executeInTransaction({ begin: run('begin'), commit: run('commit'), rollback: run('rollback') }, statements, (sql) => this.execute(sql, options));
  }

  /** Cancels the statement running now, from a separate connection; does nothing between statements. */
  async cancel(): Promise<void> {
    const statement = this.statements;
    if (!this.busy) return;
    const client = await this.driver.newClient().catch(() => undefined);
    if (!client) return;
    try {
      // The statement may have ended while connecting: the cancel would then hit the COMMIT or the next statement.
      if (this.busy && this.statements === statement) await client.query('select pg_cancel_backend($1)', [this.pid]);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
