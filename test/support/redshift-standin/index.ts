/**
 * A local stand-in for Amazon Redshift, for tests: the Data API (JSON, X-Amz-Target: RedshiftData.*) and the
 * control plane (awsQuery) on one HTTP endpoint, running Redshift SQL on the shared test PostgreSQL server.
 *
 *   const standin = await startRedshiftStandin({ postgres: inject('postgres')!, s3Root, clusters: [{ identifier: 'dev-cluster' }] });
 *   const client = new RedshiftDataClient({ endpoint: standin.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
 *
 * Each (cluster or workgroup, database) is its own PostgreSQL database (`pgConnectionFor` connects to it directly).
 */
export { startRedshiftStandin } from './start-redshift-standin.js';
export type { RedshiftStandin, RedshiftStandinOptions, StandinClusterOptions, StandinWorkgroupOptions } from './standin-options.js';
export type { Faults, InjectedFault, StatementMatcher, ThrottleOptions } from './faults.js';
export type { ReceivedStatement } from './data-api/data-api-handler.js';
export type { DistStyle, InformationalConstraint, SortKeyStyle, TableAttributes } from './sql/statement-plan.js';
export { redactSql } from './sql/redact.js';
