import { z } from 'zod';
import { modelConfigSchema } from './model-config-schema.js';

/**
 * Schemas for the YAML files inside a project: sources/*.yml and models/**\/*.yml. Data test entries are
 * validated later (their arguments depend on the test), so they stay `unknown` here.
 */
const testList = z.array(z.unknown());

const columnSchema = z.strictObject({
  name: z.string().min(1),
  type: z.string().min(1).optional(),
  data_type: z.string().min(1).optional(),
  description: z.string().optional(),
  tests: testList.optional(),
  data_tests: testList.optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
});

const localLocationSchema = z.strictObject({
  path: z.string().min(1),
  jsonpaths: z.string().optional(),
});

const s3LocationSchema = z.strictObject({
  path: z.string().regex(/^s3:\/\/[^/]+/, "must start with s3://bucket"),
  jsonpaths: z.string().regex(/^s3:\/\/[^/]+\/.+/, 'must be an s3://bucket/key').optional(),
  region: z.string().optional(),
  iam_role: z.string().optional(),
});

export const sourceTableSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be letters, digits and underscores'),
  identifier: z.string().optional(),
  description: z.string().optional(),
  format: z.enum(['jsonl', 'json']).default('jsonl'),
  json: z.enum(['auto', 'auto_ignorecase', 'jsonpaths']).default('auto'),
  timeformat: z.string().optional(),
  max_errors: z.coerce.number().int().min(0).max(100000).default(0),
  /** Load only files not loaded before (tracked by name, size and modification time); --full-refresh reloads all. */
  incremental: z.boolean().default(false),
  /** An empty data file is most often a truncated upload, so it fails the load unless allowed. */
  allow_empty_files: z.boolean().default(false),
  location: z.strictObject({ local: localLocationSchema.optional(), s3: s3LocationSchema.optional() }).optional(),
  columns: z.array(columnSchema).default([]),
  tests: testList.optional(),
  data_tests: testList.optional(),
  tags: z.array(z.string()).default([]),
  meta: z.record(z.string(), z.unknown()).optional(),
});

export const sourceSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be letters, digits and underscores'),
  schema: z.string().optional(),
  description: z.string().optional(),
  tags: z.array(z.string()).default([]),
  tables: z.array(sourceTableSchema).min(1),
});

export const sourcesFileSchema = z.strictObject({
  version: z.number().optional(),
  sources: z.array(sourceSchema).default([]),
});

export const modelEntrySchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  config: modelConfigSchema.optional(),
  columns: z.array(columnSchema).default([]),
  tests: testList.optional(),
  data_tests: testList.optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
});

export const modelsFileSchema = z.strictObject({
  version: z.number().optional(),
  models: z.array(modelEntrySchema).default([]),
  analyses: z.array(z.strictObject({ name: z.string(), description: z.string().optional() })).default([]),
});

export type SourceTableSpec = z.infer<typeof sourceTableSchema>;
export type SourceSpec = z.infer<typeof sourceSchema>;
export type ModelEntrySpec = z.infer<typeof modelEntrySchema>;
export type ColumnSpec = z.infer<typeof columnSchema>;
