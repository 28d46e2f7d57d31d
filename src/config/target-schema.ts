import { z } from 'zod';

const threads = z.coerce.number().int().min(1).max(64).default(4);
const port = z.coerce.number().int().min(1).max(65535);

export const duckdbTargetSchema = z.strictObject({
  type: z.literal('duckdb'),
  path: z.string().default(':memory:'),
  schema: z.string().default('main'),
  threads,
  /** DuckDB settings applied with SET on every connection, e.g. memory_limit. */
  settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
});

export const postgresTargetSchema = z.strictObject({
  type: z.literal('postgres'),
  host: z.string().default('localhost'),
  port: port.default(5432),
  user: z.string(),
  password: z.string().optional(),
  database: z.string(),
  schema: z.string().default('public'),
  threads,
  sslmode: z.enum(['disable', 'require', 'verify-full']).optional(),
  connect_timeout: z.coerce.number().int().positive().default(10),
  statement_timeout: z.coerce.number().int().nonnegative().optional(),
});

export const redshiftTargetSchema = z
  .strictObject({
    type: z.literal('redshift'),
    cluster_identifier: z.string().optional(),
    workgroup_name: z.string().optional(),
    database: z.string(),
    db_user: z.string().optional(),
    secret_arn: z.string().optional(),
    region: z.string(),
    endpoint: z.string().optional(),
    schema: z.string().default('public'),
    threads,
    /** Seconds before a statement is cancelled. */
    statement_timeout: z.coerce.number().positive().default(3600),
    poll_initial_ms: z.coerce.number().int().positive().default(20),
    poll_max_ms: z.coerce.number().int().positive().default(1000),
    max_attempts: z.coerce.number().int().positive().default(8),
    /** IAM role COPY uses when a source does not name one. */
    iam_role: z.string().optional(),
    /** Seconds without a heartbeat after which a run counts as dead, so its leftover temporary tables may be dropped. */
    stale_run_seconds: z.coerce.number().int().positive().default(900),
  })
  .refine((t) => Boolean(t.cluster_identifier) !== Boolean(t.workgroup_name), {
    message: 'give exactly one of cluster_identifier (provisioned) or workgroup_name (serverless)',
  });

export const targetSchema = z.discriminatedUnion('type', [duckdbTargetSchema, postgresTargetSchema, redshiftTargetSchema]);

export type DuckdbTarget = z.infer<typeof duckdbTargetSchema>;
export type PostgresTarget = z.infer<typeof postgresTargetSchema>;
export type RedshiftTarget = z.infer<typeof redshiftTargetSchema>;
export type TargetConfig = z.infer<typeof targetSchema>;
export type EngineName = TargetConfig['type'];
export const ENGINE_NAMES: readonly EngineName[] = ['duckdb', 'postgres', 'redshift'];

export const TARGET_KEYS: Record<EngineName, string[]> = {
  duckdb: Object.keys(duckdbTargetSchema.shape),
  postgres: Object.keys(postgresTargetSchema.shape),
  redshift: ['type', 'cluster_identifier', 'workgroup_name', 'database', 'db_user', 'secret_arn', 'region', 'endpoint',
    'schema', 'threads', 'statement_timeout', 'poll_initial_ms', 'poll_max_ms', 'max_attempts', 'iam_role',
    'stale_run_seconds'],
};
