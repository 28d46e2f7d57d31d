import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { PostgresConnectionInfo } from '../postgres-server.js';
import { ClusterRegistry } from './control-plane/cluster-registry.js';
import type { ReceivedStatement } from './data-api/data-api-handler.js';
import { StatementStore } from './data-api/statement-store.js';
import { DatabaseRegistry } from './engine/database-registry.js';
import type { Target } from './engine/database-registry.js';
import { readTableAttributes } from './engine/table-attributes.js';
import { FaultInjector } from './faults.js';
import type { Faults } from './faults.js';
import { startHttpServer } from './http/http-server.js';
import type { TableAttributes } from './sql/statement-plan.js';

export interface StandinClusterOptions {
  identifier: string;
  /** Databases to create (default `dev`). */
  database?: string | string[];
  masterUsername?: string;
  nodeType?: string;
}

export interface StandinWorkgroupOptions {
  name: string;
  database?: string | string[];
}

export interface RedshiftStandinOptions {
  postgres: PostgresConnectionInfo;
  /** Local folder standing in for S3: `s3://bucket/key` is `<s3Root>/bucket/key`. */
  s3Root: string;
  /** GetStatementResult rows per page (default 1000). */
  pageSize?: number;
  /** GetStatementResult byte budget per page (default 1 MiB; at least one row per page). */
  pageBytes?: number;
  /** Delay before each statement starts, so polling code sees SUBMITTED (default 0). */
  latencyMs?: number;
  /** Duration of each cluster state transition (default 0). */
  clusterTransitionMs?: number;
  /** Clusters that exist and are available from the start. */
  clusters?: StandinClusterOptions[];
  workgroups?: StandinWorkgroupOptions[];
  /** Reject PostgreSQL-only syntax Redshift refuses (default true). */
  strict?: boolean;
  /** Active statements per cluster or workgroup (default 200). */
  maxActiveStatements?: number;
  /** Result size above which a statement FAILS (default 100 MB). */
  maxResultBytes?: number;
  /** Transaction isolation (default serializable, as Redshift). */
  isolation?: 'serializable' | 'repeatable read' | 'read committed';
}

export interface RedshiftStandin {
  /** `http://127.0.0.1:<port>`: the endpoint for both RedshiftDataClient and RedshiftClient. */
  endpoint: string;
  faults: Faults;
  /** Every Sql received (batch members one by one), credentials redacted, in arrival order. */
  statements: readonly ReceivedStatement[];
  /** Recorded DISTSTYLE/DISTKEY/SORTKEY/ENCODE/BACKUP/constraints; `where` is needed when several databases exist. */
  tableAttributes(schema: string, table: string, where?: { target: string; database: string }): Promise<TableAttributes | undefined>;
  /** The PostgreSQL database behind a cluster's or workgroup's database. */
  pgDatabaseFor(clusterOrWorkgroup: string, database: string): string;
  /** Connection info for that PostgreSQL database (the superuser of the shared server). */
  pgConnectionFor(clusterOrWorkgroup: string, database: string): PostgresConnectionInfo;
  stop(): Promise<void>;
}

const databasesOf = (option: string | string[] | undefined) => (option === undefined ? ['dev'] : Array.isArray(option) ? option : [option]);

/** Starts the Redshift Data API and control-plane stand-in on 127.0.0.1, backed by the given PostgreSQL server. */
export async function startRedshiftStandin(options: RedshiftStandinOptions): Promise<RedshiftStandin> {
  const suffix = randomBytes(4).toString('hex');
  const registry = new DatabaseRegistry(options.postgres, suffix, options.isolation ?? 'serializable');
  const clusters = new ClusterRegistry(registry, options.clusterTransitionMs ?? 0);
  const faults = new FaultInjector();
  const store = new StatementStore();
  const received: ReceivedStatement[] = [];
  const workgroupNames = new Set((options.workgroups ?? []).map((w) => w.name));
  let queryId = 1000;

  await Promise.all([
    ...(options.clusters ?? []).map((c) =>
      clusters.provision(
        { identifier: c.identifier, dbName: databasesOf(c.database)[0]!, ...(c.masterUsername ? { masterUsername: c.masterUsername } : {}), ...(c.nodeType ? { nodeType: c.nodeType } : {}) },
        databasesOf(c.database),
      ),
    ),
    ...(options.workgroups ?? []).map((w) => clusters.provisionWorkgroup(w.name, databasesOf(w.database))),
  ]);

  const http = await startHttpServer({
    faults,
    controlPlane: { clusters, postgresPort: options.postgres.port },
    dataApi: {
      store,
      registry,
      faults,
      received,
      pageSize: options.pageSize ?? 1000,
      pageBytes: options.pageBytes ?? 1024 * 1024,
      maxActiveStatements: options.maxActiveStatements ?? 200,
      unavailableReason: (target) => clusters.unavailableReason(target),
      nextQueryId: () => ++queryId,
      options: {
        strict: options.strict ?? true,
        s3Root: options.s3Root,
        latencyMs: options.latencyMs ?? 0,
        maxResultBytes: options.maxResultBytes ?? 100 * 1024 * 1024,
      },
    },
  });

  const targetOf = (name: string): Target => (workgroupNames.has(name) ? { kind: 'workgroup', name } : { kind: 'cluster', name });

  return {
    endpoint: http.endpoint,
    faults,
    statements: received,
    pgDatabaseFor: (name, database) => registry.pgNameFor(targetOf(name), database),
    pgConnectionFor: (name, database) => ({ ...options.postgres, database: registry.pgNameFor(targetOf(name), database) }),
    async tableAttributes(schema, table, where) {
      const handle = where ? registry.get(targetOf(where.target), where.database) : registry.only();
      if (!handle) throw new Error(where ? `No database ${where.database} on ${where.target}` : 'Several databases exist: pass { target, database }');
      const client = new pg.Client(registry.connectionFor(handle));
      await client.connect();
      try {
        return await readTableAttributes(client, { schema, name: table });
      } finally {
        await client.end();
      }
    },
    async stop() {
      clusters.stop();
      await Promise.race([Promise.all(store.all().map((record) => record.done)), new Promise((resolve) => setTimeout(resolve, 5000))]);
      await http.close();
      await registry.closeAll(true);
    },
  };
}
