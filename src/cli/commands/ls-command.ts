import { openProject } from '../../api/open-project.js';
import { SqlkitError } from '../../errors/index.js';
import { selectNodes } from '../../graph/index.js';
import { didYouMean } from '../../util/suggest.js';
import { listOf, projectOptions, type GlobalFlags, type SelectionFlags } from '../options.js';
import type { Output } from '../output.js';
import { printWarning } from '../reporter.js';

export interface LsFlags extends GlobalFlags, SelectionFlags {
  resourceType?: string | string[];
  output?: string;
}

const TYPES = ['model', 'source', 'test', 'analysis'];

/** `sqlkit ls`: the nodes a selection picks, as names, paths or JSON. */
export function lsCommand(selectors: string[], flags: LsFlags, output: Output): number {
  const { compiled } = openProject(projectOptions(flags, output.redactor));
  const select = listOf(flags.select, selectors);
  const exclude = listOf(flags.exclude);
  const types = listOf(flags.resourceType);
  for (const type of types ?? []) {
    if (!TYPES.includes(type)) {
      throw new SqlkitError('CLI_INVALID_ARGUMENT', `--resource-type must be one of ${TYPES.join(', ')}, got '${type}'.`, {
        hint: didYouMean(type, TYPES) ?? 'Example: sqlkit ls --resource-type model',
      });
    }
  }
  // --log-format json promises JSON lines only, so it defaults the listing to JSON too
  const format = flags.output ?? (output.json ? 'json' : 'name');
  if (!['name', 'path', 'json'].includes(format)) {
    throw new SqlkitError('CLI_INVALID_ARGUMENT', `--output must be name, path or json, got '${format}'.`, { hint: didYouMean(format, ['name', 'path', 'json']) ?? 'Example: sqlkit ls --output path' });
  }
  const ids = selectNodes(new Map(Object.entries(compiled.manifest.nodes)), compiled.graph, { ...(select ? { select } : {}), ...(exclude ? { exclude } : {}), onWarning: (message) => printWarning(output, message) });
  const nodes = [...ids].map((id) => compiled.manifest.nodes[id]!).filter((n) => !types || types.includes(n.resourceType));
  nodes.sort((a, b) => (a.resourceType === b.resourceType ? a.name.localeCompare(b.name) : TYPES.indexOf(a.resourceType) - TYPES.indexOf(b.resourceType)));
  for (const node of nodes) {
    if (format === 'json') {
      output.out(JSON.stringify({ uniqueId: node.uniqueId, name: node.name, resourceType: node.resourceType, path: node.path, dependsOn: node.dependsOn, tags: node.tags, ...('config' in node ? { config: node.config } : {}) }));
    } else if (format === 'path') output.out(node.path);
    else output.out(`${node.resourceType.padEnd(9)} ${node.name}${'config' in node && 'materialized' in node.config ? output.colors.dim(` (${node.config.materialized})`) : ''}`);
  }
  return 0;
}
