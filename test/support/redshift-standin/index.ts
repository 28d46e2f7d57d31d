export { startRedshiftStandin } from './start-redshift-standin.js';
export type {
  RedshiftStandin,
  RedshiftStandinOptions,
  StandinClusterOptions,
  StandinWorkgroupOptions,
} from './start-redshift-standin.js';
export type { Faults, InjectedFault, StatementMatcher, ThrottleOptions } from './faults.js';
export type { ReceivedStatement } from './data-api/data-api-handler.js';
export type { DistStyle, InformationalConstraint, SortKeyStyle, TableAttributes } from './sql/statement-plan.js';
export { redactSql } from './sql/redact.js';
