import pg from 'pg';
import { createDatabase, dropDatabase } from '../../postgres-server.js';
import type { PostgresConnectionInfo } from '../../postgres-server.js';
import { installCompatSchema } from './compat-schema.js';

export interface Target {
  kind: 'cluster' | 'workgroup';
  name: string;
}

/** One Redshift database of a cluster or workgroup, backed by its own PostgreSQL database. */
export interface DatabaseHandle {
  target: Target;
  database: string;
  pgName: string;
  /** Data API sessions. */
  pool: pg.Pool;
  /** Out-of-band work: cancels, stl_load_errors writes that must survive the session's rollback. */
  aux: pg.Pool;
}

const SESSION_POOL_SIZE = 10;

function slug(text: string, max: number): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, max);
}

function keyOf(target: Target, database: string): string {
  return `${target.kind}:${target.name}/${database}`;
}

/** Maps (cluster or workgroup, database) to PostgreSQL databases whose names carry this stand-in's random suffix. */
export class DatabaseRegistry {
  private readonly handles = new Map<string, DatabaseHandle>();

  constructor(
    private readonly postgres: PostgresConnectionInfo,
    private readonly suffix: string,
    private readonly isolation: string,
  ) {}

  pgNameFor(target: Target, database: string): string {
    return `rs_${slug(target.name, 24)}_${slug(database, 16)}_${this.suffix}`;
  }

  get(target: Target, database: string): DatabaseHandle | undefined {
    return this.handles.get(keyOf(target, database));
  }

  /** The only database, when there is exactly one. */
  only(): DatabaseHandle | undefined {
    return this.handles.size === 1 ? [...this.handles.values()][0] : undefined;
  }

  connectionFor(handle: DatabaseHandle): PostgresConnectionInfo {
    return { ...this.postgres, database: handle.pgName };
  }

  async create(target: Target, database: string): Promise<DatabaseHandle> {
    const existing = this.get(target, database);
    if (existing) return existing;
    const pgName = this.pgNameFor(target, database);
    await createDatabase(this.postgres, pgName);
    const setup = new pg.Client({ ...this.postgres, database: pgName });
    await setup.connect();
    try {
      await installCompatSchema(setup, pgName, this.isolation);
    } finally {
      await setup.end();
    }
    const connection = { ...this.postgres, database: pgName };
    const pool = new pg.Pool({ ...connection, max: SESSION_POOL_SIZE, idleTimeoutMillis: 2000 });
    const aux = new pg.Pool({ ...connection, max: 3, idleTimeoutMillis: 2000 });
    // A session killed by DROP DATABASE … WITH (FORCE) must not crash the test process.
    pool.on('error', () => undefined);
    aux.on('error', () => undefined);
    const handle: DatabaseHandle = { target, database, pgName, pool, aux };
    this.handles.set(keyOf(target, database), handle);
    return handle;
  }

  async drop(target: Target, database: string): Promise<void> {
    const handle = this.get(target, database);
    if (!handle) return;
    this.handles.delete(keyOf(target, database));
    await Promise.all([handle.pool.end(), handle.aux.end()]);
    await dropDatabase(this.postgres, handle.pgName);
  }

  async dropTarget(target: Target): Promise<void> {
    const handles = [...this.handles.values()].filter((h) => h.target.kind === target.kind && h.target.name === target.name);
    await Promise.all(handles.map((h) => this.drop(h.target, h.database)));
  }

  async closeAll(dropDatabases: boolean): Promise<void> {
    const handles = [...this.handles.values()];
    if (dropDatabases) await Promise.all(handles.map((h) => this.drop(h.target, h.database)));
    else await Promise.all(handles.flatMap((h) => [h.pool.end(), h.aux.end()]));
    this.handles.clear();
  }
}
