import { readParseCache, writeParseCache } from '../artifacts/index.js';
import { compileProject, recordingEnv, type CompiledProject } from '../compile/index.js';
import { createRedactor, secretsInConfig, SqlkitError, type ErrorCode, type Redactor } from '../errors/index.js';
import { readProject, type ProjectFiles } from '../project/index.js';

export interface ProjectOptions {
  /** Folder holding project.yml (default: the current directory). */
  projectDir?: string;
  /** Target name from project.yml (default: the project's `target:`). */
  target?: string;
  /** Values for var(), over the project's vars. */
  vars?: Record<string, unknown>;
  /** Environment for env_var() (default: process.env). */
  env?: Record<string, string | undefined>;
  /** Redactor to add the project's secrets to (default: a new one over `env`). */
  redactor?: Redactor;
  /** Reuse what the previous compile parsed where its inputs are unchanged (default true), like dbt's partial parsing. */
  partialParse?: boolean;
}

export interface OpenedProject {
  files: ProjectFiles;
  compiled: CompiledProject;
  redactor: Redactor;
  env: Record<string, string | undefined>;
  /** The environment variables the compile read. */
  envReads: ReadonlySet<string>;
}

/**
 * Reads and compiles a project; throws every problem found at once. Its only write is the parse cache in the
 * target folder, which lets the next compile skip the files that did not change.
 */
export function openProject(options: ProjectOptions = {}): OpenedProject {
  return compileRead(readProjectFiles(options), options);
}

/** A project read from disk (project.yml parsed, its secrets known to the redactor), not yet compiled. */
export interface ReadProject {
  files: ProjectFiles;
  redactor: Redactor;
  env: Record<string, string | undefined>;
}

/** openProject's first half: the target's config is known from here, before the compile. */
export function readProjectFiles(options: ProjectOptions = {}): ReadProject {
  const env = options.env ?? process.env;
  const redactor = options.redactor ?? createRedactor(env);
  const files = readProject({
    projectDir: options.projectDir ?? process.cwd(),
    env,
    ...(options.target ? { targetName: options.target } : {}),
    ...(options.vars ? { cliVars: options.vars } : {}),
  });
  addConfigSecrets(redactor, files, env);
  return { files, redactor, env };
}

/** openProject's second half. */
export function compileRead({ files, redactor, env }: ReadProject, options: Pick<ProjectOptions, 'partialParse'> = {}): OpenedProject {
  const { root } = files;
  const targetPath = files.config.paths.target;
  const stored = options.partialParse === false ? undefined : readParseCache(root, targetPath);
  const recording = recordingEnv(env);
  const compiled = compileProject(files, { env: recording.env, ...(stored ? { parseCache: stored.cache } : {}) });
  // Sources may name their own credentials (location.s3.iam_role), and model config may hold some too (meta takes
  // any key). A test's config has the fixed keys of testConfigSchema, none a credential: half the nodes of a big project.
  for (const node of Object.values(compiled.manifest.nodes)) {
    if ('load' in node) for (const secret of secretsInConfig(node.load, env)) redactor.add(secret);
    if ('config' in node && node.resourceType !== 'test') for (const secret of secretsInConfig(node.config, env)) redactor.add(secret);
  }
  if (compiled.parseCache.changed) writeParseCache(root, targetPath, compiled.parseCache, redactor, stored?.origin);
  return { files, compiled, redactor, env, envReads: recording.names };
}

/** Credentials in project.yml (target password, iam_role, the cluster's master password variable, secret vars). */
export function addConfigSecrets(redactor: Redactor, files: ProjectFiles, env: Record<string, string | undefined>): void {
  const { target, cluster, vars } = files.config;
  for (const secret of secretsInConfig({ target, cluster, vars }, env)) redactor.add(secret);
}

const TARGET_ERRORS: ReadonlySet<ErrorCode> = new Set(['ADAPTER_CONNECTION', 'ADAPTER_AUTH', 'ADAPTER_LOCKED']);

/** A connection problem belongs to the target: point at its entry in project.yml when the engine gave no place. */
export function atTarget<E>(error: E, files: ProjectFiles): E {
  if (!(error instanceof SqlkitError) || error.location || !TARGET_ERRORS.has(error.code)) return error;
  return error.withLocation(files.config.yaml.locate(['targets', files.config.targetName], { key: true })) as E;
}
