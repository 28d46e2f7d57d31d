import { openProject } from '../../api/open-project.js';
import { writeCompiledSql, writeManifest } from '../../artifacts/index.js';
import { selectNodes } from '../../graph/index.js';
import { plural } from '../../util/text.js';
import { listOf, projectOptions, type GlobalFlags, type SelectionFlags } from '../options.js';
import type { Output } from '../output.js';
import { printWarning } from '../reporter.js';

/** `sqlkit compile`: renders every node and writes target/compiled and manifest.json; never touches the warehouse. */
export function compileCommand(selectors: string[], flags: GlobalFlags & SelectionFlags, output: Output): number {
  const started = performance.now();
  const { files, compiled, redactor } = openProject(projectOptions(flags, output.redactor));
  const select = listOf(flags.select, selectors);
  const exclude = listOf(flags.exclude);
  // Checked before anything is written or printed, so a bad selector fails the same way in text and JSON output.
  const ids = select || exclude ? selectNodes(new Map(Object.entries(compiled.manifest.nodes)), compiled.graph, { ...(select ? { select } : {}), ...(exclude ? { exclude } : {}), onWarning: (message) => printWarning(output, message) }) : undefined;
  const written = writeCompiledSql(compiled.manifest, files.root, files.config.paths.target, redactor);
  const manifestPath = writeManifest(compiled.manifest, files.root, files.config.paths.target, redactor);
  const nodes = Object.values(compiled.manifest.nodes);
  const counts: Record<string, number> = {};
  for (const node of nodes) counts[node.resourceType] = (counts[node.resourceType] ?? 0) + 1;
  const ms = performance.now() - started;
  const reused = compiled.parseCache.reusedModels;
  if (output.json) {
    output.event('compiled', { nodes: counts, written, reusedModels: reused, manifest: manifestPath, ms: Math.round(ms) });
  } else {
    const reuse = reused ? `; ${plural(reused, 'model')} reused from the parse cache` : '';
    output.out(`Compiled ${Object.entries(counts).map(([k, n]) => plural(n, k, k === 'analysis' ? 'analyses' : `${k}s`)).join(', ')} in ${Math.round(ms)} ms (${plural(written, 'file')} written${reuse}).`);
    if (ids) {
      for (const id of ids) {
        const node = compiled.manifest.nodes[id]!;
        if ('compiledSql' in node && node.compiledSql) {
          output.out(output.colors.bold(`-- ${node.name} (${node.compiledPath})`));
          if (compiled.renderer.runsQueries(id)) output.out(output.colors.dim('-- rendered with execute false: it renders again when it runs, with the rows of its run_query() calls'));
          output.out(node.compiledSql);
        }
      }
    }
    output.out(`Compiled SQL: ${files.config.paths.target}/compiled/  Manifest: ${files.config.paths.target}/manifest.json`);
  }
  return 0;
}
