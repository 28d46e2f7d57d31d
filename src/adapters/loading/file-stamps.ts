import type { RelationName, SourceNode } from '../../compile/index.js';
import { SqlkitError } from '../../errors/index.js';
import type { FileStamp, LoadedFiles, SourceLoadRequest, SqlDialect } from '../types.js';
import { listSourceFiles, projectRelative } from './source-files.js';

export type { FileStamp };

/**
 * The files a local source reads, in order, keyed by absolute path, each with the stamp an incremental load
 * records. An empty file fails here unless the source allows them (see rejectEmptyFiles).
 */
async function stampSourceFiles(projectRoot: string, node: SourceNode, path: string): Promise<Map<string, FileStamp>> {
  const stamps = new Map<string, FileStamp>();
  for (const { path: absolute, size, modifiedMs } of await listSourceFiles(projectRoot, path, node)) {
    stamps.set(absolute, { file: projectRelative(projectRoot, absolute), size, modifiedMs });
  }
  if (!node.load?.allowEmptyFiles) rejectEmptyFiles([...stamps.values()], node);
  return stamps;
}

/** An empty file is most often an upload cut short: loading it as zero rows would hide the lost data. */
function rejectEmptyFiles(stamps: readonly FileStamp[], node: SourceNode): void {
  const names = stamps.filter((stamp) => stamp.size === 0).map((stamp) => stamp.file);
  if (names.length === 0) return;
  throw new SqlkitError('LOAD_EMPTY_FILE', `${names[0]} is empty${names.length > 1 ? ` (and ${names.length - 1} more: ${names.slice(1, 4).join(', ')}${names.length > 4 ? ', ...' : ''})` : ''}: source '${node.name}' was not loaded.`, {
    location: { file: names[0]!, line: 1 },
    related: [{ file: node.path, ...(node.line ? { line: node.line } : {}) }],
    node: node.uniqueId,
    hint: `An empty file is often an upload that was cut short: restore its content or remove it. To load empty files as zero rows, set allow_empty_files: true on the source table in ${node.path}.`,
  });
}

export type LoadPlan =
  | { mode: 'replace'; files: string[]; reason: string }
  | { mode: 'append'; files: string[] }
  | { mode: 'unchanged'; files: [] };

/**
 * The files a local load reads, stamped, and what it does with them: an incremental source with a table and a
 * record of earlier loads plans against that record; anything else loads every file.
 */
export async function planLocalLoad(request: SourceLoadRequest): Promise<{ stamps: Map<string, FileStamp>; plan: LoadPlan }> {
  const stamps = await stampSourceFiles(request.projectRoot, request.node, request.spec.local!.path);
  return { stamps, plan: planLoad(stamps, request.existing ? request.incremental?.previous : undefined) };
}

/**
 * An incremental source loads only files it has not loaded before, like Snowpipe or an Auto Loader. If a file
 * it loaded changed or disappeared, appending would duplicate or keep stale rows, so the table is rebuilt.
 */
export function planLoad(stamps: Map<string, FileStamp>, loaded: LoadedFiles | undefined): LoadPlan {
  const all = [...stamps.keys()];
  if (!loaded) return { mode: 'replace', files: all, reason: 'full load' };
  if (loaded.lines !== undefined && loaded.count === stamps.size && loaded.lines === stampLines(stamps.values())) return { mode: 'unchanged', files: [] };
  const previous = loaded.stamps();
  const current = new Map([...stamps.values()].map((s) => [s.file, s]));
  for (const [file, old] of previous) {
    const now = current.get(file);
    if (!now) return { mode: 'replace', files: all, reason: `${file} was removed` };
    if (now.size !== old.size || now.modifiedMs !== old.modifiedMs) return { mode: 'replace', files: all, reason: `${file} changed` };
  }
  const fresh = all.filter((absolute) => !previous.has(stamps.get(absolute)!.file));
  return fresh.length ? { mode: 'append', files: fresh } : { mode: 'unchanged', files: [] };
}

/**
 * The lines LoadedFiles.lines holds, for files listed in sorted order; undefined if a name holds a tab or a newline
 * (its line could then read as another set of files).
 */
function stampLines(stamps: Iterable<FileStamp>): string | undefined {
  const lines: string[] = [];
  for (const { file, size, modifiedMs } of stamps) {
    if (file.includes('\t') || file.includes('\n')) return undefined;
    lines.push(`${file}\t${size}\t${modifiedMs}`);
  }
  return lines.join('\n');
}

export function createLoadedFilesTable(dialect: SqlDialect, relation: RelationName): string {
  return `create table if not exists ${dialect.quoteRelation(relation)} (
  source_name varchar(256),
  filename varchar(1024),
  size bigint,
  modified_ms bigint,
  run_id varchar(64),
  loaded_at timestamp
)`;
}

/** Statements recording which files a load read; `replace` forgets the source's earlier files first. */
export function recordLoadedFiles(dialect: SqlDialect, relation: RelationName, source: string, stamps: readonly FileStamp[], replace: boolean, runId: string, now: string): string[] {
  const table = dialect.quoteRelation(relation);
  const statements = replace ? [`delete from ${table} where source_name = ${dialect.stringLiteral(source)}`] : [];
  for (let i = 0; i < stamps.length; i += 500) {
    const rows = stamps
      .slice(i, i + 500)
      .map((s) => `(${dialect.stringLiteral(source)}, ${dialect.stringLiteral(s.file)}, ${s.size}, ${s.modifiedMs}, ${dialect.stringLiteral(runId)}, cast(${dialect.stringLiteral(now)} as timestamp))`);
    statements.push(`insert into ${table} (source_name, filename, size, modified_ms, run_id, loaded_at) values\n${rows.join(',\n')}`);
  }
  return statements;
}
