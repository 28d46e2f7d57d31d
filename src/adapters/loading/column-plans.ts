import type { SourceLoadRequest } from '../types.js';
import type { ColumnPlan } from './json-row-converter.js';
import { readJsonPaths } from './jsonpaths.js';

/** How each column finds its value in a JSON document: JSONPaths file, exact key ('auto'), or any-case key. */
export function columnPlans(request: SourceLoadRequest): ColumnPlan[] {
  const { spec, columns, projectRoot } = request;
  if (spec.mapping === 'jsonpaths') {
    const paths = readJsonPaths(projectRoot, spec.local!.jsonpaths!, columns.length);
    return columns.map((c, i) => ({ name: c.name, type: c.type, path: paths[i]! }));
  }
  return columns.map((c) => ({ name: c.name, type: c.type, path: spec.mapping === 'auto' ? [{ key: c.name }] : 'ignorecase' }));
}
