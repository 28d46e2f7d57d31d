import { z } from 'zod';

const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be letters, digits and underscores');

export const pathsSchema = z.strictObject({
  models: z.string().default('models'),
  sources: z.string().default('sources'),
  macros: z.string().default('macros'),
  data_tests: z.string().default('data-tests'),
  analyses: z.string().default('analyses'),
  target: z.string().default('target'),
});

export const clusterSchema = z.strictObject({
  identifier: z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'lowercase letters, digits and single hyphens'),
  node_type: z.string().default('dc2.large'),
  number_of_nodes: z.coerce.number().int().min(1).default(1),
  database: z.string().default('dev'),
  master_username: z.string().default('awsuser'),
  /** Name of the environment variable holding the master password (never the password itself). */
  master_password_env: z.string().default('SQLKIT_REDSHIFT_MASTER_PASSWORD'),
  iam_roles: z.array(z.string()).default([]),
  region: z.string(),
  endpoint: z.string().optional(),
  publicly_accessible: z.boolean().default(false),
  port: z.coerce.number().int().default(5439),
});

export const projectSchema = z.strictObject({
  name: identifier,
  version: z.union([z.string(), z.number()]).transform(String).default('0.0.0'),
  paths: pathsSchema.default(pathsSchema.parse({})),
  vars: z.record(z.string(), z.unknown()).default({}),
  /** Folder-level model config, like dbt's `models:` block; validated separately (see folder-config.ts). */
  models: z.record(z.string(), z.unknown()).default({}),
  target: z.string().default('dev'),
  targets: z.record(z.string(), z.unknown()),
  cluster: clusterSchema.optional(),
});

export type ProjectPaths = z.infer<typeof pathsSchema>;
export type ClusterConfig = z.infer<typeof clusterSchema>;
export const PROJECT_KEYS = Object.keys(projectSchema.shape);
