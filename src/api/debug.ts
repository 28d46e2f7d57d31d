import { createAdapter } from '../adapters/registry.js';
import { nodeCounts } from '../compile/index.js';
import { toSqlkitError, type SqlkitError } from '../errors/index.js';
import { atTarget, openProject, type ProjectOptions } from './open-project.js';

export interface DebugReport {
  projectDir: string;
  project: string;
  target: string;
  engine: string;
  connection: string;
  nodes: Record<string, number>;
  connected: boolean;
  error?: SqlkitError;
}

/** `sqlkit debug`: checks the project compiles and the warehouse answers a query. */
export async function debugProject(options: ProjectOptions): Promise<DebugReport> {
  const { files, compiled } = openProject(options);
  const counts = nodeCounts(Object.values(compiled.manifest.nodes));
  const adapter = await createAdapter(files.config.target, files.root);
  const report: DebugReport = {
    projectDir: files.root,
    project: `${files.config.name} ${files.config.version}`,
    target: files.config.targetName,
    engine: adapter.engine,
    connection: adapter.describe(),
    nodes: counts,
    connected: false,
  };
  try {
    await adapter.driver.open();
    const session = await adapter.driver.acquire();
    try {
      await session.execute('select 1');
      report.connected = true;
    } finally {
      adapter.driver.release(session);
    }
  } catch (error) {
    report.error = atTarget(adapter.translateError(error, {}) ?? toSqlkitError(error), files);
  } finally {
    await adapter.driver.close().catch(() => undefined);
  }
  return report;
}
