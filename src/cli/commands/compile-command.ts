import { compileRead, readProjectFiles } from '../../api/open-project.js';
import { compileByPatch, recordCompileState } from '../../api/patch-compile.js';
import { writeCompiledSql, writeManifest } from '../../artifacts/index.js';
import { nodeCounts } from '../../compile/index.js';
import { selectNodes } from '../../graph/index.js';
import { plural } from '../../util/text.js';
import { listOf, projectOptions, type GlobalFlags, type SelectionFlags } from '../options.js';
import type { Output } from '../output.js';
import { printWarning } from '../reporter.js';

/** `sqlkit compile`: renders every node and writes target/compiled and manifest.json; never touches the warehouse. */
export function compileCommand(selectors: string[], flags: GlobalFlags & SelectionFlags, output: Output): number {
  const started = performance.now();
  const options = projectOptions(flags, output.redactor);
  const read = readProjectFiles(options);
  const select = listOf(flags.select, selectors);
  const exclude = listOf(flags.exclude);
  // A selection prints SQL from the compiled nodes; --no-partial-parse asks for the whole compile.
  const patched = !select && !exclude && options.partialParse !== false ? compileByPatch(read) : undefined;
  if (patched) {
    reportCompiled(output, { counts: patched.counts, written: patched.written, reused: patched.reusedModels, manifestPath: patched.manifestPath, patched: true }, started);
    if (!output.json) output.out(whereWritten(patched.files.config.paths.target));
    return 0;
  }
  const project = compileRead(read, options);
  const { files, compiled, redactor } = project;
  // Checked before anything is written or printed, so a bad selector fails the same way in text and JSON output.
  const ids = select || exclude ? selectNodes(new Map(Object.entries(compiled.manifest.nodes)), compiled.graph, { ...(select ? { select } : {}), ...(exclude ? { exclude } : {}), onWarning: (message) => printWarning(output, message) }) : undefined;
  const written = writeCompiledSql(compiled.manifest, files.root, files.config.paths.target, redactor);
  const manifest = writeManifest(compiled.manifest, files.root, files.config.paths.target, redactor);
  recordCompileState(project, manifest);
  const counts = nodeCounts(Object.values(compiled.manifest.nodes));
  reportCompiled(output, { counts, written, reused: compiled.parseCache.reusedModels, manifestPath: manifest.file, patched: false }, started);
  if (!output.json) {
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
    output.out(whereWritten(files.config.paths.target));
  }
  return 0;
}

interface CompileReport {
  counts: Record<string, number>;
  written: number;
  reused: number;
  manifestPath: string;
  /** Whether the previous manifest was patched rather than the project compiled (see compileByPatch). */
  patched: boolean;
}

function reportCompiled(output: Output, { counts, written, reused, manifestPath, patched }: CompileReport, started: number): void {
  const ms = performance.now() - started;
  if (output.json) {
    output.event('compiled', { nodes: counts, written, reusedModels: reused, patched, manifest: manifestPath, ms: Math.round(ms) });
    return;
  }
  const reuse = patched ? `; manifest patched, ${plural(reused, 'model')} unchanged` : reused ? `; ${plural(reused, 'model')} reused from the parse cache` : '';
  output.out(`Compiled ${Object.entries(counts).map(([k, n]) => plural(n, k, k === 'analysis' ? 'analyses' : `${k}s`)).join(', ')} in ${Math.round(ms)} ms (${plural(written, 'file')} written${reuse}).`);
}

function whereWritten(targetPath: string): string {
  return `Compiled SQL: ${targetPath}/compiled/  Manifest: ${targetPath}/manifest.json`;
}
