import { debugProject } from '../../api/debug.js';
import { plural } from '../../util/text.js';
import { projectOptions, type GlobalFlags } from '../options.js';
import type { Output } from '../output.js';
import { renderError } from '../render-error.js';

/** `sqlkit debug`: shows the resolved project and target (no secrets) and checks the connection. */
export async function debugCommand(flags: GlobalFlags, output: Output): Promise<number> {
  const report = await debugProject(projectOptions(flags, output.redactor));
  const c = output.colors;
  if (output.json) {
    output.event('debug', { ...report, error: report.error?.toJSON() });
  } else {
    output.out(`project     ${report.project} (${report.projectDir})`);
    output.out(`target      ${report.target} (${report.engine})`);
    output.out(`connection  ${report.connection}`);
    output.out(`nodes       ${Object.entries(report.nodes).map(([k, n]) => plural(n, k, k === 'analysis' ? 'analyses' : `${k}s`)).join(', ')}`);
    output.out(`check       ${report.connected ? c.green('OK: the warehouse answered') : c.red('FAILED')}`);
    if (report.error) for (const line of renderError(report.error, output)) output.err(line);
  }
  return report.connected ? 0 : 2;
}
