import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ClusterRegistry } from './control-plane/cluster-registry.js';
import type { DataApiDeps, ReceivedStatement } from './data-api/data-api-handler.js';
import { isActive } from './data-api/statement-record.js';
import { cancelRunning } from './data-api/statement-runner.js';
import { StatementStore } from './data-api/statement-store.js';
import { DatabaseRegistry } from './engine/database-registry.js';
import type { Target } from './engine/database-registry.js';
import { readTableAttributes } from './engine/table-attributes.js';
import { FaultInjector } from './faults.js';
import { startHttpServer } from './http/http-server.js';
import type { RedshiftStandin, RedshiftStandinOptions } from './standin-options.js';

const databasesOf = (option: string | string[] | undefined) => (option === undefined ? ['dev'] : Array.isArray(option) ? option : [option]);

/** Starts the Redshift Data API and control-plane stand-in on 127.0.0.1, backed by the given PostgreSQL server. */
export async function startRedshiftStandin(options: RedshiftStandinOptions): Promise<RedshiftStandin> {
  const suffix = randomBytes(4).toString('hex');
  const registry = new DatabaseRegistry(options.postgres, suffix, options.isolation ?? 'read committed');
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

  const dataApi: DataApiDeps = {
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
  };
  const http = await startHttpServer({ faults, controlPlane: { clusters, postgresPort: options.postgres.port }, dataApi });

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
      await Promise.all(store.all().filter(isActive).map((record) => cancelRunning(record, dataApi)));
      await http.close();
      await registry.closeAll(true);
    },
  };
}
