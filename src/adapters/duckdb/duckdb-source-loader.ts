import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { swapStatements } from '../../materializations/swap.js';
import { shortHash } from '../../util/checksum.js';
import { splitJsonValues } from '../loading/concatenated-json.js';
import { loadBookkeeping, planLocalLoad, unchangedLoad } from '../loading/file-stamps.js';
import { readJsonPaths, type JsonPath } from '../loading/jsonpaths.js';
import { loadFailure, MALFORMED_JSON } from '../loading/load-failure.js';
import { insertLoadErrors } from '../loading/load-errors-table.js';
import { sqlTimestamp } from '../loading/sql-timestamp.js';
import { locateLines } from '../loading/locate-lines.js';
import { projectRelative } from '../loading/source-files.js';
import type { AppendPlan, LoadError, QueryResult, RecordedFiles, Session, SourceLoadRequest, SourceLoadResult, TableAppends } from '../types.js';
import type { DuckdbDialect } from './duckdb-dialect.js';
import { documentsQuery, fileListLiteral, toDuckdbPath } from './duckdb-json-documents.js';
import { convertValue } from './duckdb-value-conversion.js';

/**
 * Loads JSON files with DuckDB's own readers, so no row passes through JavaScript. Documents are converted with
 * Redshift COPY's rules as they are written (see loadDirectly); when some are bad, they are converted again into a
 * temporary table that marks bad rows: past max_errors the load fails and the old table stays, otherwise the good
 * rows replace the table (or, for an incremental source with only new files, are appended) in one transaction,
 * together with the record of loaded files.
 */
export async function loadDuckdbSource(session: Session, request: SourceLoadRequest, dialect: DuckdbDialect, appends: TableAppends): Promise<SourceLoadResult> {
  const { node, columns, runId } = request;
  const { stamps, plan, recorded, summary } = await planLocalLoad(request);
  if (plan.mode === 'unchanged') return unchangedLoad(session, request, dialect, summary);

  // Temporary tables are per connection, but a name per load keeps two loads apart on any connection.
  const suffix = `${runId}_${shortHash(node.uniqueId, 6)}`;
  const names = { conv: `sqlkit_conv_${suffix}`, rejects: `sqlkit_rejects_${suffix}`, scan: `sqlkit_rejects_scan_${suffix}` };
  const append = plan.mode === 'append' ? sizedAppend(await appends.plan(session, request.target, { suffix, ...(request.signal ? { signal: request.signal } : {}) }), recorded, plan.files.map((file) => stamps.get(file)!.size)) : undefined;
  const columnList = columns.map((c) => dialect.quoteIdentifier(c.name)).join(', ');
  const statements: string[] = [];
  const load: LoadSteps = {
    names,
    files: plan.files,
    columnList,
    statements,
    run: async (sql) => {
      statements.push(sql);
      return session.execute(sql, { signal: request.signal });
    },
    // An append writes the rows in order (sorted by file), so that they fill whole row groups (duckdb-row-groups.ts):
    // rows inserted in parallel land in part-filled groups, which DuckDB's checkpoint then rewrites to merge them.
    // Reading the files in order would do too, but slows the read by a third. The rows of one file need no sort
    // key of their own: comparing its name on every row cost 5% of a day's 333,334 events.
    write: async (rows) =>
      append
        ? { write: plan.files.length > 1 ? append.insert(rows, ['sqlkit_file']) : append.insert(`select * exclude (sqlkit_file) from (${rows})`), after: append.after }
        : {
            write: `create table ${dialect.quoteRelation(request.staging)} as select ${columnList} from (${rows})`,
            after: await request.wrapSwap(swapStatements(dialect, request.staging, 'table', request.target, request.backup, request.existing)),
          },
    newRows: (results, after) => (results[0]?.rowCount ?? 0) - (append?.movedRows(results.slice(after)) ?? 0),
    bookkeeping: (now) => loadBookkeeping(request, dialect, plan, stamps, summary, now),
  };
  try {
    if (append?.orderedSession) await session.execute(append.orderedSession.enter);
    const direct = await loadDirectly(session, request, dialect, load);
    const { written, rejected } = direct !== undefined ? { written: direct, rejected: [] } : await loadStaged(session, request, dialect, load);
    if (request.incremental && plan.mode === 'replace') {
      const record = await appends.recordBuilt(session, request.target);
      statements.push(...record);
      await session.executeAtomic(record, { signal: request.signal });
    }
    return {
      rowsLoaded: written,
      rejected,
      statements,
      mode: plan.mode,
      files: plan.files.length,
      ...(plan.mode === 'replace' ? { note: plan.reason } : {}),
      ...(summary ? { recordDigest: summary.files } : {}),
    };
  } finally {
    if (append?.orderedSession) await session.execute(append.orderedSession.leave).catch(() => undefined);
    for (const table of Object.values(names)) await session.execute(`drop table if exists ${table}`).catch(() => undefined);
  }
}

/** The append sized for the rows files of these sizes add, at the rows per byte of the files the table holds. */
function sizedAppend(append: AppendPlan, recorded: RecordedFiles | undefined, sizes: readonly number[]): AppendPlan {
  if (!recorded) return append;
  let loadedBytes = 0;
  for (const stamp of recorded.stamps().values()) loadedBytes += stamp.size;
  return loadedBytes > 0 ? append.forRows(Math.round((sizes.reduce((sum, size) => sum + size, 0) * append.rowIdEnd) / loadedBytes)) : append;
}

/** What the direct and the staged load share: the files, the statements that write rows, and the statements run. */
interface LoadSteps {
  names: { conv: string; rejects: string; scan: string };
  files: readonly string[];
  /** The target's columns, quoted and comma-separated. */
  columnList: string;
  /**
   * The statements that write the rows a query selects (the target's columns and sqlkit_file, to order by): the
   * one that reads the rows, and those to run after it in the same transaction.
   */
  write(rows: string): Promise<{ write: string; after: string[] }>;
  /**
   * How many rows a write put in the table that it had not held (an append may move rows already there), from the
   * results of its transaction (the write's first) and where its `after` statements start among them.
   */
  newRows(results: readonly QueryResult[], after: number): number;
  /** The record of loaded files (incremental sources), written in the same transaction as the rows. */
  bookkeeping(now: string): string[];
  /** Every statement run, for --debug output. */
  statements: string[];
  /** Runs one statement in the load's session, recording it in `statements`. */
  run(sql: string): Promise<QueryResult>;
}

/** Raised by a direct load at its first bad row or rejected line, to load again through the staged path. */
const NEEDS_STAGING = 'sqlkit: a bad row needs the staged load';

/**
 * The common case, every row good, in one statement: the documents are converted as they are written, with no
 * temporary table in between (for one new day after 10M events, 0.15 s of the day's 1.3 s). The first bad row
 * or rejected line fails the transaction, so nothing is written, and undefined sends the caller to the staged
 * load, which reports every bad row with its file and line. Any other failure is left for the staged load to
 * meet and report too; only a cancellation ends the load here.
 */
async function loadDirectly(session: Session, request: SourceLoadRequest, dialect: DuckdbDialect, load: LoadSteps): Promise<number | undefined> {
  const docs = documentsQuery(request.spec.format, fileListLiteral(load.files, dialect), load.names, false);
  try {
    const extraction = valueExtraction(await columnPaths(request, docs.sql, load.run), dialect);
    const guard = `case when sqlkit_bad is null then true else error('${NEEDS_STAGING}') end`;
    const { write, after } = await load.write(`select ${load.columnList}, sqlkit_file from (${conversionQuery(docs.sql, extraction, request, dialect)}) where ${guard}`);
    const rejected = docs.rejects ? [`select error('${NEEDS_STAGING}') from ${docs.rejects.table} limit 1`] : [];
    const group = [write, ...rejected, ...after, ...load.bookkeeping(sqlTimestamp())];
    load.statements.push(...group);
    return load.newRows(await session.executeAtomic(group, { signal: request.signal }), 1 + rejected.length);
  } catch (error) {
    if (request.signal?.aborted) throw error;
    // The staged load fills rejects tables of the same names, so they must start empty; after a direct load that
    // succeeds (or is cancelled), loadDuckdbSource drops them with the load's other temporary tables.
    if (docs.rejects) {
      for (const table of [docs.rejects.table, docs.rejects.scan]) await session.execute(`drop table if exists ${table}`).catch(() => undefined);
    }
    return undefined;
  }
}

/**
 * Converts every document into a temporary table that marks bad rows, records up to max_errors + 1 of them with
 * file and line, and fails past max_errors (the old table stays); otherwise writes the good rows.
 */
async function loadStaged(session: Session, request: SourceLoadRequest, dialect: DuckdbDialect, load: LoadSteps): Promise<{ written: number; rejected: LoadError[] }> {
  const { node, spec, projectRoot, runId } = request;
  const { names, run } = load;
  const keep = spec.maxErrors + 1;
  const errors: LoadError[] = [];
  let errorCount = 0;
  let docs = documentsQuery(spec.format, fileListLiteral(load.files, dialect), names);
  let originals = new Map<string, string>();
  let cleanedFolder: string | undefined;
  const build = async () => {
    const extraction = valueExtraction(await columnPaths(request, docs.sql, run), dialect);
    await run(`create temp table ${names.conv} as ${conversionQuery(docs.sql, extraction, request, dialect)}`);
  };
  try {
    try {
      await build();
    } catch (error) {
      // DuckDB cannot skip a malformed document that spans lines (only newline-delimited ones): find the bad
      // documents in JavaScript, then load the good ones from cleaned copies of the affected files.
      if (spec.format !== 'json' || !/Malformed JSON/.test(String((error as Error).message))) throw error;
      const cleaned = cleanJsonFiles(load.files, projectRoot);
      if (cleaned.errors.length === 0) throw error;
      errors.push(...cleaned.errors.slice(0, keep));
      errorCount += cleaned.errors.length;
      cleanedFolder = cleaned.folder;
      originals = cleaned.originals;
      docs = documentsQuery(spec.format, fileListLiteral(cleaned.files, dialect), names);
      await build();
    }
    if (docs.rejects) {
      const rejected = await run(`select s.file_path, r.line, r.csv_line from ${docs.rejects.table} r join ${docs.rejects.scan} s on r.scan_id = s.scan_id and r.file_id = s.file_id order by s.file_path, r.line limit ${keep}`);
      for (const [file, line, raw] of rejected.rows as [string, number, string][]) {
        errors.push({ file: projectRelative(projectRoot, file), line: Number(line), reason: MALFORMED_JSON, rawLine: raw ?? '' });
      }
      errorCount += Number((await run(`select count(*) from ${docs.rejects.table}`)).rows[0]![0]);
    }
    const bad = await run(`select sqlkit_file, sqlkit_bad, sqlkit_raw from ${names.conv} where sqlkit_bad is not null order by sqlkit_file limit ${keep}`);
    errorCount += Number((await run(`select count(*) from ${names.conv} where sqlkit_bad is not null`)).rows[0]![0]);
    const badRows = (bad.rows as [string, string, string | null][]).map(([file, reason, raw]) => [originals.get(file) ?? file, reason, raw] as [string, string, string | null]);
    errors.push(...(await locateBadRows(badRows, spec.format, projectRoot)));
    errors.sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));

    // The bookkeeping tables written below were created before the run started (prepareWarehouse).
    const now = sqlTimestamp();
    const recorded = errors.slice(0, keep);
    if (recorded.length) {
      for (const sql of insertLoadErrors(dialect, request.loadErrors, runId, node.name, recorded, now)) await run(sql);
    }
    if (errorCount > spec.maxErrors) throw loadFailure(node, recorded, errorCount, spec.maxErrors, request.loadErrors);

    const { write, after } = await load.write(`select ${load.columnList}, sqlkit_file from ${names.conv} where sqlkit_bad is null`);
    const group = [write, ...after, ...load.bookkeeping(now)];
    load.statements.push(...group);
    return { written: load.newRows(await session.executeAtomic(group, { signal: request.signal }), 1), rejected: recorded };
  } finally {
    if (cleanedFolder) rmSync(cleanedFolder, { recursive: true, force: true });
  }
}

/** Every document converted with Redshift COPY's rules, bad rows marked with the reason (sqlkit_bad). */
function conversionQuery(docs: string, extraction: { sql: string; raw: (i: number) => string }, request: SourceLoadRequest, dialect: DuckdbDialect): string {
  const { columns, spec } = request;
  const conversions = columns.map((column, i) => convertValue(`sqlkit_r${i}`, dialect.quoteIdentifier(column.name), column.type, column.name, spec.timeformat, dialect));
  const columnList = columns.map((c) => dialect.quoteIdentifier(c.name)).join(', ');
  const rawList = columns.map((_, i) => `${extraction.raw(i)} as sqlkit_r${i}`).join(', ');
  const typedList = conversions.map((c, i) => `cast(${c.value} as ${dialect.columnType(columns[i]!.type)}) as ${dialect.quoteIdentifier(columns[i]!.name)}`).join(',\n      ');
  const badChecks = conversions.map((c) => `when ${c.bad} then ${c.reason}`).join('\n      ');
  return `select sqlkit_file, sqlkit_bad, case when sqlkit_bad is not null then sqlkit_doc end as sqlkit_raw, ${columnList}
from (
  select sqlkit_file, sqlkit_doc, ${columnList},
    case when not sqlkit_valid then '${MALFORMED_JSON}'
      when left(ltrim(sqlkit_doc), 1) not in (${spec.mapping === 'jsonpaths' ? "'{', '['" : "'{'"}) then ${spec.mapping === 'jsonpaths' ? "'not a JSON object or array'" : "'not a JSON object (a root-level array needs a jsonpaths file)'"}
      ${badChecks}
    end as sqlkit_bad
  from (
    select sqlkit_file, sqlkit_doc, sqlkit_valid, ${columns.map((_, i) => `sqlkit_r${i}`).join(', ')},
      ${typedList}
    from (
      select sqlkit_file, sqlkit_doc, sqlkit_valid, ${rawList}
      from (select sqlkit_file, sqlkit_doc, sqlkit_valid, case when sqlkit_valid then ${extraction.sql} end as sqlkit_v from (${docs}))
    )
  )
)`;
}

/**
 * The malformed documents of whole-file JSON sources, with file and line, and a list of files to load instead:
 * unchanged files as they are, affected files as cleaned copies holding only their good documents.
 */
function cleanJsonFiles(files: readonly string[], projectRoot: string): { errors: LoadError[]; files: string[]; folder: string; originals: Map<string, string> } {
  const folder = mkdtempSync(join(tmpdir(), 'sqlkit-clean-'));
  const errors: LoadError[] = [];
  const out: string[] = [];
  const originals = new Map<string, string>();
  files.forEach((file, i) => {
    const spans = splitJsonValues(readFileSync(file, 'utf8'));
    const bad = spans.filter((span) => !span.ok);
    if (bad.length === 0) {
      out.push(file);
      return;
    }
    for (const span of bad) errors.push({ file: projectRelative(projectRoot, file), line: span.line, reason: MALFORMED_JSON, rawLine: span.text.split('\n')[0] ?? '' });
    const copy = join(folder, `${i}.json`);
    writeFileSync(copy, spans.filter((span) => span.ok).map((span) => span.text).join('\n'));
    originals.set(copy, file);
    out.push(copy);
  });
  return { errors, files: out, folder, originals };
}

async function columnPaths(request: SourceLoadRequest, docs: string, run: (sql: string) => Promise<{ rows: unknown[][] }>): Promise<JsonPath[]> {
  const { spec, columns, projectRoot } = request;
  if (spec.mapping === 'jsonpaths') return readJsonPaths(projectRoot, spec.local!.jsonpaths!, columns.length);
  if (spec.mapping === 'auto') return columns.map((c) => [{ key: c.name }]);
  // 'auto ignorecase': find the keys present in the data, then match them to columns without regard to case.
  const keys = (await run(`select distinct unnest(json_keys(sqlkit_doc)) from (${docs}) where sqlkit_valid and json_type(sqlkit_doc::json) = 'OBJECT'`)).rows.map((r) => String(r[0]));
  return columns.map((c) => {
    const key = keys.find((k) => k === c.name) ?? keys.find((k) => k.toLowerCase() === c.name.toLowerCase()) ?? c.name;
    return [{ key }];
  });
}

/**
 * How each column's raw text comes out of a document. When every path is a top-level key, json_transform into a
 * struct of VARCHARs parses each document once, several times faster than json_extract_string with a list of
 * paths (5.4 s vs 0.5 s for 1M Sparkify events); both give the same text for every JSON value. Nested paths
 * use json_extract_string. DuckDB struct fields are case-insensitive, so keys equal but for case fall back too.
 */
function valueExtraction(paths: JsonPath[], dialect: DuckdbDialect): { sql: string; raw: (i: number) => string } {
  const keys = paths.map((path) => (path.length === 1 && 'key' in path[0]! ? path[0].key : undefined));
  const distinct = new Set(keys.map((k) => k?.toLowerCase()));
  if (keys.every((k) => k !== undefined) && distinct.size === keys.length) {
    const struct = JSON.stringify(Object.fromEntries(keys.map((k) => [k!, 'VARCHAR'])));
    return { sql: `json_transform(sqlkit_doc, ${dialect.stringLiteral(struct)})`, raw: (i) => `struct_extract(sqlkit_v, ${dialect.stringLiteral(keys[i]!)})` };
  }
  return { sql: `json_extract_string(sqlkit_doc, [${paths.map((p) => dialect.stringLiteral(toDuckdbPath(p))).join(', ')}])`, raw: (i) => `sqlkit_v[${i + 1}]` };
}

/**
 * DuckDB names the file of a bad row but not its line; find the lines in the files (only files with bad rows,
 * only when there are some). JSON lines are matched by their text; whole-file JSON by splitting the file's values.
 */
async function locateBadRows(rows: [string, string, string | null][], format: 'jsonl' | 'json', projectRoot: string): Promise<LoadError[]> {
  const byFile = new Map<string, [string, string | null][]>();
  for (const [file, reason, raw] of rows) byFile.set(file, [...(byFile.get(file) ?? []), [reason, raw]]);
  const out: LoadError[] = [];
  for (const [file, entries] of byFile) {
    const relative = projectRelative(projectRoot, file);
    if (format === 'json') {
      const spans = splitJsonValues(readFileSync(file, 'utf8'));
      const broken = spans.filter((s) => !s.ok);
      let next = 0;
      for (const [reason, raw] of entries) {
        const span = raw === null ? broken[next++] : (spans.find((s) => s.text === raw) ?? spans.find((s) => s.text.includes(raw)));
        out.push({ file: relative, line: span?.line ?? 1, ...columnOf(reason), reason, rawLine: raw ?? span?.text.split('\n')[0] ?? '' });
      }
      continue;
    }
    const lines = await locateLines(file, entries.map(([, raw]) => raw ?? ''));
    const used = new Map<string, number>();
    for (const [reason, raw] of entries) {
      const text = raw ?? '';
      const index = used.get(text) ?? 0;
      used.set(text, index + 1);
      out.push({ file: relative, line: lines.get(text)?.[index] ?? 1, ...columnOf(reason), reason, rawLine: text });
    }
  }
  return out;
}

function columnOf(reason: string): { column?: string } {
  const column = /^column ([^:]+):/.exec(reason)?.[1];
  return column ? { column } : {};
}
