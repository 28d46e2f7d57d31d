import { createAdapter } from '../adapters/registry.js';
import { writeCompiledSql, writeManifest, writeRunResults } from '../artifacts/index.js';
import { runProject, type Command, type RunEvent, type RunSummary } from '../runner/index.js';
import { atTarget, openProject, type OpenedProject, type ProjectOptions } from './open-project.js';

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
  /** Called once the project compiled, before the warehouse is touched. */
  onCompiled?: (project: OpenedProject) => void;
}

export interface ExecuteOutcome {
  project: OpenedProject;
  summary: RunSummary;
  runResultsPath: string;
}

/** `sqlkit run | test | build`: compile, write artifacts, execute the selection, write run_results.json. */
export async function executeProject(options: ExecuteOptions): Promise<ExecuteOutcome> {
  const project = openProject(options);
  const { files, compiled, redactor } = project;
  const { config } = files;
  writeCompiledSql(compiled.manifest, files.root, config.paths.target, redactor);
  writeManifest(compiled.manifest, files.root, config.paths.target, redactor);
  options.onCompiled?.(project);
  const adapter = await createAdapter(config.target, files.root);
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
  }).catch((error: unknown) => {
    throw atTarget(error, files);
  });
  const runResultsPath = writeRunResults(summary, options.command, compiled.manifest, files.root, config.paths.target, redactor);
  return { project, summary, runResultsPath };
}
