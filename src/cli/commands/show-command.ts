import { queryNode } from '../../api/query.js';
import { plural } from '../../util/text.js';
import { parseLimit, projectOptions, type GlobalFlags } from '../options.js';
import type { Output } from '../output.js';
import { renderTable } from '../render-table.js';

/** `sqlkit show <name>`: prints rows of a model or source, or the result of an analysis, as a table. */
export async function showCommand(name: string, flags: GlobalFlags & { limit?: string | number }, output: Output): Promise<number> {
  const limit = parseLimit(flags.limit, 10);
  const { node, result } = await queryNode({ ...projectOptions(flags, output.redactor), name, limit });
  if (output.json) {
    output.event('show', { node: node.uniqueId, columns: result.columns, rows: result.rows });
    return 0;
  }
  output.out(output.colors.bold(`${node.resourceType} ${node.name}`) + output.colors.dim(` (first ${limit} rows)`));
  for (const line of renderTable(result)) output.out(line);
  output.out(output.colors.dim(plural(result.rows.length, 'row')));
  return 0;
}
