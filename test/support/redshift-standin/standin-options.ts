import type { PostgresConnectionInfo } from '../postgres-server.js';
import type { ReceivedStatement } from './data-api/data-api-handler.js';
import type { Faults } from './faults.js';
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
  /**
   * default_transaction_isolation (default read committed). Redshift is serializable, but under PostgreSQL's SSI the
   * stand-in's own bookkeeping (table attributes, late-binding registry) makes concurrent DDL fail with false
   * serialization errors, so serializable is opt-in.
   */
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
