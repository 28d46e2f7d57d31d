import { SqlkitError } from '../errors/index.js';
import type { ProjectFile } from '../project/index.js';
import type { TemplateEngine } from '../templating/index.js';
import { createCompileHooks, type CompileScope, type RenderCapture } from './compile-hooks.js';
import type { ManifestNode } from './manifest.js';

/** Renders a model again at run time, when the answer to is_incremental() is known. */
export interface NodeRenderer {
  renderIncremental(uniqueId: string): string;
}

export function createNodeRenderer(input: {
  engine: TemplateEngine;
  scope: CompileScope;
  /** The files of incremental models: compiled here, only when one runs incrementally. */
  templates: Map<string, ProjectFile>;
  nodes: Map<string, ManifestNode>;
  resolve: (sql: string) => string;
}): NodeRenderer {
  const cache = new Map<string, string>();
  return {
    renderIncremental(uniqueId) {
      const cached = cache.get(uniqueId);
      if (cached !== undefined) return cached;
      const node = input.nodes.get(uniqueId);
      const file = input.templates.get(uniqueId);
      if (!node || !file) throw new SqlkitError('INTERNAL', `No template for ${uniqueId}.`);
      const template = input.engine.compile(file);
      const capture: RenderCapture = { refs: new Set(), config: {} };
      const hooks = createCompileHooks(input.scope, { self: uniqueId, selfName: node.name, configKind: 'model', isIncremental: true, file: node.path }, capture);
      const sql = input.engine.render(template, hooks);
      const undeclared = [...capture.refs].filter((id) => !node.dependsOn.includes(id));
      if (undeclared.length) {
        const names = undeclared.map((id) => input.nodes.get(id)?.name ?? id);
        throw new SqlkitError('TEMPLATE_UNDECLARED_DEPENDENCY', `${node.name} refs ${names.join(', ')} only inside {% if is_incremental() %}, so the dependency was not known when the project compiled.`, {
          location: { file: node.path },
          node: uniqueId,
          hint: `Add a line outside the if block: -- depends_on: ${names.map((n) => `{{ ref('${n}') }}`).join(' ')}`,
        });
      }
      const resolved = input.resolve(sql);
      cache.set(uniqueId, resolved);
      return resolved;
    },
  };
}
