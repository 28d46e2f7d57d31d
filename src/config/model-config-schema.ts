import { z } from 'zod';

export const MATERIALIZATIONS = ['view', 'table', 'incremental', 'ephemeral'] as const;
export type Materialization = (typeof MATERIALIZATIONS)[number];

const stringList = z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v]));

/**
 * Redshift-only physical options. They live in their own schema (read by the Redshift dialect only), but are
 * accepted in every project so one project can target every engine; other engines ignore them.
 */
export const redshiftModelConfigSchema = z.strictObject({
  dist: z.string().optional(),
  sort: stringList.optional(),
  sort_type: z.enum(['compound', 'interleaved']).optional(),
  bind: z.boolean().optional(),
});
export type RedshiftModelConfig = z.infer<typeof redshiftModelConfigSchema>;

const hooksUnsupported = 'sqlkit does not run pre_hook or post_hook statements; put the statement in a model of its own, or run it outside sqlkit';

export const modelConfigSchema = z.strictObject({
  materialized: z.enum(MATERIALIZATIONS).optional(),
  schema: z.string().min(1).optional(),
  alias: z.string().min(1).optional(),
  tags: stringList.optional(),
  enabled: z.boolean().optional(),
  unique_key: stringList.optional(),
  incremental_strategy: z.enum(['append', 'delete+insert']).optional(),
  incremental_predicates: stringList.optional(),
  on_schema_change: z.enum(['ignore', 'fail', 'append_new_columns']).optional(),
  full_refresh: z.boolean().optional(),
  /** Tables only: `on_change` keeps the table when its SQL and the data it reads are unchanged since it was built. */
  rebuild: z.enum(['always', 'on_change']).optional(),
  // Accepted names that fail with a clear message: sqlkit does not run hooks, and ignoring one would be silent.
  pre_hook: z.never({ error: hooksUnsupported }).optional(),
  post_hook: z.never({ error: hooksUnsupported }).optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
  ...redshiftModelConfigSchema.shape,
});

export type ModelConfigInput = z.input<typeof modelConfigSchema>;
export type PartialModelConfig = z.infer<typeof modelConfigSchema>;

export interface ModelConfig extends PartialModelConfig {
  materialized: Materialization;
  tags: string[];
  enabled: boolean;
}

export const MODEL_CONFIG_KEYS = Object.keys(modelConfigSchema.shape);

/** dbt's default: delete+insert when there is a unique_key, append when there is none. */
export function incrementalStrategy(config: PartialModelConfig): 'append' | 'delete+insert' {
  return config.incremental_strategy ?? (config.unique_key?.length ? 'delete+insert' : 'append');
}

/** dbt's threshold syntax, a comparison and a whole number ("!=0", ">10"); data-tests/thresholds.ts evaluates it. */
const threshold = z.string().regex(/^\s*(!=|<>|>=|<=|=|==|>|<)\s*\d+\s*$/, 'must be a comparison with a whole number, e.g. ">10" or "!=0"');

export const testConfigSchema = z.strictObject({
  severity: z.enum(['error', 'warn', 'ERROR', 'WARN']).transform((s) => s.toLowerCase() as 'error' | 'warn').optional(),
  where: z.string().optional(),
  store_failures: z.boolean().optional(),
  tags: stringList.optional(),
  enabled: z.boolean().optional(),
  error_if: threshold.optional(),
  warn_if: threshold.optional(),
  limit: z.number().int().positive().optional(),
});
export type TestConfigInput = z.infer<typeof testConfigSchema>;
export const TEST_CONFIG_KEYS = Object.keys(testConfigSchema.shape);

export interface TestConfig {
  severity: 'error' | 'warn';
  where?: string;
  storeFailures: boolean;
  tags: string[];
  enabled: boolean;
  errorIf: string;
  warnIf: string;
  limit?: number;
}
