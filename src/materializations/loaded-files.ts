import type { FileListingSummary, FileStamp, LoadedFiles, RecordedFiles } from '../adapters/types.js';
import type { RelationName, SourceNode } from '../compile/index.js';
import type { MaterializeContext } from './context.js';
import { runStatements } from './execute-sql.js';

export const LOADED_FILES_TABLE = 'sqlkit_loaded_files';
/** One row per incremental source: the summary of its record of loaded files (FileListingSummary). */
export const FILE_LISTINGS_TABLE = 'sqlkit_file_listings';

/** The record of the files an incremental source loaded, beside its table. */
export function loadedFilesRelation(node: SourceNode): RelationName {
  return { schema: node.relation.schema, identifier: LOADED_FILES_TABLE };
}

export function fileListingsRelation(node: SourceNode): RelationName {
  return { schema: node.relation.schema, identifier: FILE_LISTINGS_TABLE };
}

/**
 * The size of a source's record of loaded files and its summary, in one small query; the record itself is read
 * only if asked for. A summary counts only if it is the source's one row and agrees with the record's row count,
 * so an edit of either table by hand sends the load back to comparing every file.
 */
export async function readLoadedFiles(node: SourceNode, ctx: MaterializeContext): Promise<LoadedFiles> {
  const { dialect } = ctx.adapter;
  const source = dialect.stringLiteral(node.name);
  const records = `select count(*) from ${dialect.quoteRelation(loadedFilesRelation(node))} where source_name = ${source}`;
  const listings = fileListingsRelation(node);
  const sql = ctx.relations.get(listings)
    ? `select (${records}), count(*), min(listing_sha256), min(files_sha256), min(file_count) from ${dialect.quoteRelation(listings)} where source_name = ${source}`
    : `select (${records}), 0, null, null, null`;
  const [result] = await runStatements(ctx, node, [sql], undefined, false);
  const [count, summaries, listing, files, summarised] = result!.rows[0] ?? [];
  const recordCount = Number(count ?? 0);
  const summary: FileListingSummary | undefined =
    Number(summaries) === 1 && Number(summarised) === recordCount && typeof listing === 'string' && typeof files === 'string' ? { listing, files, count: recordCount } : undefined;
  let record: Promise<RecordedFiles> | undefined;
  return { count: recordCount, summary, read: () => (record ??= readRecordedFiles(node, ctx)) };
}

/**
 * One text of tab-separated lines rather than a row per file: for 20,000 song files, turning rows into JavaScript
 * values took the main thread about 0.1 s, while the load beside it waited for a core. The text is ordered as the
 * files are listed, so a source whose files are all unchanged compares it whole (see planLoad); the map of stamps
 * is built only when something changed. A name holding a tab or a newline would break the lines: then the rows
 * are read one by one.
 */
async function readRecordedFiles(node: SourceNode, ctx: MaterializeContext): Promise<RecordedFiles> {
  const table = ctx.adapter.dialect.quoteRelation(loadedFilesRelation(node));
  const { count, lines } = await loadedFilesText(node, ctx, table);
  const stamp = (file: string, size: unknown, modifiedMs: unknown): [string, FileStamp] => [file, { file, size: Number(size), modifiedMs: Number(modifiedMs) }];
  if (lines !== undefined) {
    let parsed: Map<string, FileStamp> | undefined;
    const parse = () => new Map(lines === '' ? [] : lines.split('\n').map((entry) => stamp(...(entry.split('\t') as [string, string, string]))));
    return { count, lines, stamps: () => (parsed ??= parse()) };
  }
  const where = `where source_name = ${ctx.adapter.dialect.stringLiteral(node.name)}`;
  const [rows] = await runStatements(ctx, node, [`select filename, size, modified_ms from ${table} ${where}`], undefined, false);
  const stamps = new Map(rows!.rows.map(([file, size, modifiedMs]) => stamp(String(file), size, modifiedMs)));
  return { count: stamps.size, lines: undefined, stamps: () => stamps };
}

/**
 * A source's record of loaded files as one text of `file<TAB>size<TAB>modified_ms` lines ordered by the names'
 * bytes (the order files are listed in), with the number of files. `lines` is undefined when a name holds a tab
 * or a newline, which would break the lines.
 */
async function loadedFilesText(node: SourceNode, ctx: MaterializeContext, table: string): Promise<{ count: number; lines: string | undefined }> {
  const where = `where source_name = ${ctx.adapter.dialect.stringLiteral(node.name)}`;
  const line = `filename || chr(9) || cast(size as varchar) || chr(9) || cast(modified_ms as varchar)`;
  const unsafeName = `strpos(filename, chr(9)) > 0 or strpos(filename, chr(10)) > 0`;
  const [packed] = await runStatements(ctx, node, [`select count(*), count(case when ${unsafeName} then 1 end), string_agg(${line}, chr(10) order by filename collate "C") from ${table} ${where}`], undefined, false);
  const [count, unsafe, text] = packed!.rows[0] ?? [0, 0, null];
  return { count: Number(count), lines: Number(unsafe) === 0 ? (typeof text === 'string' ? text : '') : undefined };
}
