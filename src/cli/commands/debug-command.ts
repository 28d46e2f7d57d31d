import { debugProject } from '../../api/debug.js';
import { createRedactor } from '../../errors/index.js';
import { projectOptions, type GlobalFlags } from '../options.js';
import type { Output } from '../output.js';
import { renderError } from '../render-error.js';

/** `sqlkit debug`: shows the resolved project and target (no secrets) and checks the connection. */
export async function debugCommand(flags: GlobalFlags, output: Output): Promise<number> {
  const report = await debugProject(projectOptions(flags));
  const redactor = createRedactor(process.env);
  const c = output.colors;
  if (output.json) {
    output.out(redactor.redact(JSON.stringify({ ...report, error: report.error?.toJSON() })));
  } else {
    output.out(`project     ${report.project} (${report.projectDir})`);
    output.out(`target      ${report.target} (${report.engine})`);
    output.out(`connection  ${redactor.redact(report.connection)}`);
    output.out(`nodes       ${Object.entries(report.nodes).map(([k, n]) => `${n} ${k}s`).join(', ')}`);
    output.out(`check       ${report.connected ? c.green('OK: the warehouse answered') : c.red('FAILED')}`);
    if (report.error) for (const line of renderError(report.error, output, redactor)) output.err(line);
  }
  return report.connected ? 0 : 2;
}
