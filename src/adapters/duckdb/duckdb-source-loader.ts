import type { ColumnType } from '../../compile/index.js';
import { isIntegerType, isTextType } from '../../compile/index.js';
import { swapStatements } from '../../materializations/swap.js';
import { readJsonPaths, type JsonPath } from '../loading/jsonpaths.js';
import { loadFailure, MALFORMED_JSON } from '../loading/load-failure.js';
import { createLoadErrorsTable, insertLoadErrors } from '../loading/load-errors-table.js';
import { jsonErrorLine, locateLines } from '../loading/locate-lines.js';
import { listSourceFiles, projectRelative } from '../loading/source-files.js';
import type { LoadError, Session, SourceLoadRequest, SourceLoadResult } from '../types.js';
import type { DuckdbDialect } from './duckdb-dialect.js';

const MAX_OBJECT_BYTES = 4 * 1024 * 1024 + 1024;

/**
 * Loads JSON files with DuckDB's own readers, so no row passes through JavaScript. Lines are read as text with the
 * CSV reader (one column, no quoting): invalid JSON lines are rejected with their file and line number by DuckDB.
 * Values are converted with Redshift COPY's rules (empty string is NULL for non-text columns, integers must be
 * integer literals, text longer than its declared length is rejected), so every engine loads the same rows.
 */
export async function loadDuckdbSource(session: Session, request: SourceLoadRequest, dialect: DuckdbDialect): Promise<SourceLoadResult> {
  const { node, spec, columns, projectRoot, runId } = request;
  const local = spec.local!;
  const files = listSourceFiles(projectRoot, local.path, node);
  const statements: string[] = [];
  const run = async (sql: string) => {
    statements.push(sql);
    return session.execute(sql, { signal: request.signal });
  };
  const names = { conv: `sqlkit_conv_${runId}`, rejects: `sqlkit_rejects_${runId}`, scan: `sqlkit_rejects_scan_${runId}`, raw: `sqlkit_raw_${runId}` };
  const fileList = `[${files.map((f) => dialect.stringLiteral(f)).join(', ')}]`;
  const errors: LoadError[] = [];
  let errorCount = 0;
  const keep = spec.maxErrors + 1;

  let docs: string;
  if (spec.format === 'jsonl') {
    docs = `select filename as sqlkit_file, doc::varchar as sqlkit_doc, doc from read_csv(${fileList}, columns = {'doc': 'JSON'}, delim = '\x01', quote = '', escape = '', header = false, auto_detect = false, filename = true, store_rejects = true, rejects_table = '${names.rejects}', rejects_scan = '${names.scan}', max_line_size = ${MAX_OBJECT_BYTES}) where doc is not null`;
  } else {
    await run(`create temp table ${names.raw} as select filename, content from read_text(${fileList}) where trim(content) <> ''`);
    const invalid = await run(`select filename, content from ${names.raw} where not json_valid(content) order by filename limit ${keep}`);
    for (const [file, content] of invalid.rows as [string, string][]) {
      errors.push({ file: projectRelative(projectRoot, file), line: lineOfJsonError(content), reason: MALFORMED_JSON, rawLine: content.split('\n')[0] ?? '' });
    }
    errorCount += Number((await run(`select count(*) from ${names.raw} where not json_valid(content)`)).rows[0]![0]);
    docs = `select filename as sqlkit_file, doc::varchar as sqlkit_doc, doc from (select filename, unnest(case when json_type(content::json) = 'ARRAY' then json_extract(content, '$[*]') else [content::json] end) as doc from ${names.raw} where json_valid(content))`;
  }

  const paths = await columnPaths(request, docs, run);
  const converted = columns.map((column, i) => convert(`v[${i + 1}]`, column.type, column.name, spec.timeformat, dialect));
  const badChecks = converted.map((c) => `when ${c.bad} then ${c.reason}`).join(' ');
  const valueList = converted.map((c, i) => `cast(${c.value} as ${dialect.columnType(columns[i]!.type)}) as ${dialect.quoteIdentifier(columns[i]!.name)}`).join(',\n  ');
  await run(`create temp table ${names.conv} as
select sqlkit_file, sqlkit_bad, case when sqlkit_bad is not null then sqlkit_doc end as sqlkit_raw, ${columns.map((c) => dialect.quoteIdentifier(c.name)).join(', ')}
from (
  select sqlkit_file, sqlkit_doc,
  case when json_type(doc) <> 'OBJECT' then 'not a JSON object' ${badChecks} end as sqlkit_bad,
  ${valueList}
  from (select sqlkit_file, sqlkit_doc, doc, json_extract_string(doc, [${paths.map((p) => dialect.stringLiteral(p)).join(', ')}]) as v from (${docs}))
)`);

  if (spec.format === 'jsonl') {
    const rejected = await run(`select s.file_path, r.line, r.csv_line from ${names.rejects} r join ${names.scan} s on r.scan_id = s.scan_id and r.file_id = s.file_id order by s.file_path, r.line limit ${keep}`);
    for (const [file, line, raw] of rejected.rows as [string, number, string][]) {
      errors.push({ file: projectRelative(projectRoot, file), line: Number(line), reason: MALFORMED_JSON, rawLine: raw ?? '' });
    }
    errorCount += Number((await run(`select count(*) from ${names.rejects}`)).rows[0]![0]);
  }
  const bad = await run(`select sqlkit_file, sqlkit_bad, sqlkit_raw from ${names.conv} where sqlkit_bad is not null order by sqlkit_file limit ${keep}`);
  errorCount += Number((await run(`select count(*) from ${names.conv} where sqlkit_bad is not null`)).rows[0]![0]);
  errors.push(...(await locateBadRows(bad.rows as [string, string, string][], spec.format, projectRoot)));
  errors.sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));

  const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
  const recorded = errors.slice(0, keep);
  try {
    if (recorded.length) {
      await run(createLoadErrorsTable(dialect, request.loadErrors));
      for (const sql of insertLoadErrors(dialect, request.loadErrors, runId, node.name, recorded, now)) await run(sql);
    }
    if (errorCount > spec.maxErrors) throw loadFailure(node, recorded, errorCount, spec.maxErrors, request.loadErrors);
    const create = `create table ${dialect.quoteRelation(request.staging)} as select ${columns.map((c) => dialect.quoteIdentifier(c.name)).join(', ')} from ${names.conv} where sqlkit_bad is null`;
    const swap = await request.wrapSwap(swapStatements(dialect, request.staging, 'table', request.target, request.backup, request.existing));
    statements.push(create, ...swap);
    const [created] = await session.executeAtomic([create, ...swap], { signal: request.signal });
    return { rowsLoaded: created?.rowCount ?? 0, rejected: recorded, statements };
  } finally {
    for (const table of [names.conv, names.rejects, names.scan, names.raw]) {
      await session.execute(`drop table if exists ${table}`).catch(() => undefined);
    }
  }
}

async function columnPaths(request: SourceLoadRequest, docs: string, run: (sql: string) => Promise<{ rows: unknown[][] }>): Promise<string[]> {
  const { spec, columns, projectRoot } = request;
  if (spec.mapping === 'jsonpaths') return readJsonPaths(projectRoot, spec.local!.jsonpaths!, columns.length).map(toDuckdbPath);
  if (spec.mapping === 'auto') return columns.map((c) => toDuckdbPath([{ key: c.name }]));
  // 'auto ignorecase': find the keys present in the data, then match them to columns without regard to case.
  const keys = (await run(`select distinct unnest(json_keys(doc)) from (${docs}) where json_type(doc) = 'OBJECT'`)).rows.map((r) => String(r[0]));
  return columns.map((c) => {
    const key = keys.find((k) => k === c.name) ?? keys.find((k) => k.toLowerCase() === c.name.toLowerCase()) ?? c.name;
    return toDuckdbPath([{ key }]);
  });
}

function toDuckdbPath(path: JsonPath): string {
  return `$${path.map((s) => ('key' in s ? `."${s.key.replace(/"/g, '\\"')}"` : `[${s.index}]`)).join('')}`;
}

interface Conversion {
  value: string;
  bad: string;
  reason: string;
}

function convert(v: string, type: ColumnType, column: string, timeformat: string | undefined, dialect: DuckdbDialect): Conversion {
  const lit = (s: string) => dialect.stringLiteral(s);
  const shown = `left(${v}, 60)`;
  const reason = (what: string) => `${lit(`column ${column}: ${what} '`)} || ${shown} || ''''`;
  if (isTextType(type)) {
    return type.length
      ? { value: v, bad: `strlen(${v}) > ${type.length}`, reason: `${lit(`column ${column}: value of `)} || strlen(${v}) || ${lit(` bytes exceeds ${type.base}(${type.length})`)}` }
      : { value: v, bad: 'false', reason: "''" };
  }
  const t = `nullif(trim(${v}), '')`;
  const sqlType = dialect.columnType(type);
  if (isIntegerType(type)) {
    return {
      value: `try_cast(${t} as ${sqlType})`,
      bad: `${t} is not null and (not regexp_full_match(${t}, '[-+]?[0-9]+') or try_cast(${t} as ${sqlType}) is null)`,
      reason: reason(`invalid ${type.base}`),
    };
  }
  if (type.base === 'numeric') {
    const scale = type.scale ?? 0;
    // Redshift truncates digits beyond the declared scale; casting would round.
    const value = `try_cast(trunc(try_cast(${t} as decimal(38, ${Math.min(37, scale + 6)})) * ${10 ** scale}) / ${10 ** scale} as ${sqlType})`;
    return { value, bad: `${t} is not null and ${value} is null`, reason: reason(`invalid ${sqlType}`) };
  }
  if (type.base === 'timestamp' || type.base === 'timestamptz') {
    const numeric = `regexp_full_match(${t}, '[-+]?[0-9]+(\\.[0-9]*)?')`;
    const value =
      timeformat === 'epochmillisecs'
        ? `case when ${numeric} then epoch_ms(cast(cast(${t} as double) as bigint)) end`
        : timeformat === 'epochsecs'
          ? `case when ${numeric} then make_timestamp(cast(cast(${t} as double) * 1000000 as bigint)) end`
          : `try_cast(${t} as timestamp)`;
    return { value, bad: `${t} is not null and ${value} is null`, reason: reason(`invalid timestamp${timeformat ? ` (${timeformat})` : ''}`) };
  }
  const value = `try_cast(${t} as ${sqlType})`;
  return { value, bad: `${t} is not null and ${value} is null`, reason: reason(`invalid ${type.base}`) };
}

async function locateBadRows(rows: [string, string, string][], format: 'jsonl' | 'json', projectRoot: string): Promise<LoadError[]> {
  const byFile = new Map<string, [string, string][]>();
  for (const [file, reason, raw] of rows) byFile.set(file, [...(byFile.get(file) ?? []), [reason, raw]]);
  const out: LoadError[] = [];
  for (const [file, entries] of byFile) {
    const lines = format === 'jsonl' ? await locateLines(file, entries.map(([, raw]) => raw)) : new Map<string, number[]>();
    const used = new Map<string, number>();
    for (const [reason, raw] of entries) {
      const index = used.get(raw) ?? 0;
      used.set(raw, index + 1);
      const column = /^column ([^:]+):/.exec(reason)?.[1];
      out.push({ file: projectRelative(projectRoot, file), line: lines.get(raw)?.[index] ?? 1, ...(column ? { column } : {}), reason, rawLine: raw });
    }
  }
  return out;
}

function lineOfJsonError(content: string): number {
  try {
    JSON.parse(content);
    return 1;
  } catch (error) {
    return jsonErrorLine(content, error);
  }
}
