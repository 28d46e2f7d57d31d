import { createAdapter } from '../adapters/registry.js';
import { writeCompiledSql, writeManifest, writeRunResults } from '../artifacts/index.js';
import { runProject, type Command, type RunEvent, type RunSummary } from '../runner/index.js';
import { atTarget, compileRead, readProjectFiles, type OpenedProject, type ProjectOptions } from './open-project.js';
import { recordCompileState } from './patch-compile.js';

export interface ExecuteOptions extends ProjectOptions {
  command: Command;
  select?: string[];
  exclude?: string[];
  /** Concurrency; default from the target. */
  threads?: number;
  fullRefresh?: boolean;
  storeFailures?: boolean;
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  /** Selection warnings, e.g. a comma intersection that matches no node. */
  onWarning?: (message: string) => void;
  /** Called once the project compiled, before any statement runs. */
  onCompiled?: (project: OpenedProject) => void;
}

export interface ExecuteOutcome {
  project: OpenedProject;
  summary: RunSummary;
  runResultsPath: string;
}

/** `sqlkit run | test | build`: compile, write artifacts, execute the selection, write run_results.json. */
export async function executeProject(options: ExecuteOptions): Promise<ExecuteOutcome> {
  const read = readProjectFiles(options);
  const adapter = await createAdapter(read.files.config.target, read.files.root);
  // The engine opens on its own threads while this one compiles (DuckDB: about 0.05 s of a one-day incremental run).
  adapter.driver.startOpening?.();
  // Whatever fails from here on (the compile, an artifact, the selection) closes it again; close() is idempotent.
  const closing = async (error: unknown): Promise<never> => {
    await adapter.driver.close().catch(() => undefined);
    throw error;
  };
  let project: OpenedProject;
  try {
    project = compileRead(read, options);
    writeCompiledSql(project.compiled.manifest, project.files.root, project.files.config.paths.target, project.redactor);
    recordCompileState(project, writeManifest(project.compiled.manifest, project.files.root, project.files.config.paths.target, project.redactor));
    options.onCompiled?.(project);
  } catch (error) {
    return closing(error);
  }
  const { files, compiled, redactor } = project;
  const { config } = files;
  const summary = await runProject({
    compiled,
    adapter,
    projectRoot: files.root,
    command: options.command,
    selection: { ...(options.select ? { select: options.select } : {}), ...(options.exclude ? { exclude: options.exclude } : {}), ...(options.onWarning ? { onWarning: options.onWarning } : {}) },
    threads: options.threads ?? config.target.threads,
    fullRefresh: options.fullRefresh ?? false,
    storeFailures: options.storeFailures ?? false,
    redactor,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  }).catch((error: unknown) => closing(atTarget(error, files)));
  const runResultsPath = writeRunResults(summary, options.command, compiled.manifest, files.root, config.paths.target, redactor);
  return { project, summary, runResultsPath };
}
