import type pg from 'pg';
import { SqlError } from '../sql/sql-error.js';
import { formatName, quoteIdent } from '../sql/tokens.js';
import type { CopyCommand } from './copy-command.js';
import { scanJsonRecords } from './json-scanner.js';
import type { JsonObject, JsonValue } from './json-scanner.js';
import { evaluatePath, parseJsonPathsFile } from './jsonpaths.js';
import type { PathStep } from './jsonpaths.js';
import type { LoadErrorRow } from './load-errors.js';
import { listManifestObjects, listObjects, parseS3Uri, readExactObject, readObjectText } from './s3-source.js';
import type { S3Object } from './s3-source.js';
import { readTargetColumns } from './target-columns.js';
import type { TargetColumn } from './target-columns.js';
import { convertValue } from './value-conversion.js';

export interface CopyRunContext {
  /** The statement's session, already inside a transaction. */
  client: pg.ClientBase;
  s3Root: string;
  queryId: number;
  sessionPid: number;
  recordLoadErrors(rows: LoadErrorRow[]): Promise<void>;
}

interface Row {
  values: Array<string | null>;
  /** Which targets the record supplied; absent ones get the column DEFAULT ('auto' mapping). */
  present: boolean[];
}

const INSERT_CHUNK = 5000;

async function resolveTable(client: pg.ClientBase, command: CopyCommand): Promise<number> {
  const { rows } = await client.query<{ oid: number | null }>('SELECT to_regclass($1)::oid::int AS oid', [formatName(command.table)]);
  const oid = rows[0]?.oid;
  if (oid === null || oid === undefined) throw new SqlError(`Cannot COPY into nonexistent table ${command.table.name}`);
  return oid;
}

function chooseTargets(command: CopyCommand, columns: TargetColumn[]): TargetColumn[] {
  if (command.columns === null) return columns.filter((column) => command.explicitIds || !column.identity);
  return command.columns.map((name) => {
    const column = columns.find((c) => c.name === name);
    if (!column) throw new SqlError(`column "${name}" of relation "${command.table.name}" does not exist`);
    if (column.identity && !command.explicitIds) throw new SqlError(`cannot set an identity column "${name}" to a value without EXPLICIT_IDS`);
    return column;
  });
}

async function readJsonPaths(command: CopyCommand, s3Root: string, targets: TargetColumn[]): Promise<PathStep[][] | undefined> {
  if (command.json.mode !== 'jsonpaths') return undefined;
  const paths = parseJsonPathsFile(await readExactObject(s3Root, command.json.uri, 'JSONPaths file'));
  if (paths && paths.length !== targets.length) {
    throw new SqlError(
      `Number of jsonpaths and the number of columns should match. JSONPath size: ${paths.length}, Number of columns in table or column list: ${targets.length}`,
    );
  }
  return paths;
}

function lookupKeys(record: JsonObject, targets: TargetColumn[], ignoreCase: boolean): Array<JsonValue | undefined> | string {
  if (!ignoreCase) return targets.map((column) => record.get(column.name));
  const folded = new Map<string, JsonValue>();
  for (const [key, value] of record) {
    const lower = key.toLowerCase();
    if (folded.has(lower)) return `Duplicate keys differing only in case: "${key}"`;
    folded.set(lower, value);
  }
  return targets.map((column) => folded.get(column.name));
}

/** Runs a COPY … FORMAT AS JSON from files under s3Root, with Redshift's conversion, MAXERROR and stl_load_errors. */
export async function runCopy(command: CopyCommand, ctx: CopyRunContext): Promise<number> {
  const { client } = ctx;
  const tableOid = await resolveTable(client, command);
  const columns = await readTargetColumns(client, tableOid);
  const targets = chooseTargets(command, columns);
  const paths = await readJsonPaths(command, ctx.s3Root, targets);
  const objects: S3Object[] = command.manifest ? await listManifestObjects(ctx.s3Root, command.source) : await listObjects(ctx.s3Root, command.source);
  if (objects.length === 0) throw new SqlError(`The specified S3 prefix '${parseS3Uri(command.source).key}' does not exist`);
  const texts = objects.map((object) => readObjectText(object, command.gzip));

  const starttime = new Date().toISOString().replace('T', ' ').replace('Z', '');
  const errors: LoadErrorRow[] = [];
  const rows: Row[] = [];
  const logError = (object: S3Object, line: number, raw: string, fields: Partial<LoadErrorRow> & { err_code: number; err_reason: string }) =>
    errors.push({
      userid: 100, slice: 0, tbl: tableOid, starttime, session: ctx.sessionPid, query: ctx.queryId, filename: object.uri,
      line_number: line, colname: '', type: '', col_length: '', position: 0, raw_line: raw, raw_field_value: '', ...fields,
    });

  objects.forEach((object, fileIndex) => {
    for (const record of scanJsonRecords(texts[fileIndex]!)) {
      if (record.error !== undefined || record.value === undefined) {
        logError(object, record.line, record.raw, { err_code: 1224, err_reason: record.error ?? 'Invalid JSON' });
        continue;
      }
      let values: Array<JsonValue | undefined> | string;
      if (paths) {
        values = paths.map((steps) => evaluatePath(record.value!, steps));
      } else if (command.json.mode === 'noshred') {
        values = targets.map(() => record.value);
      } else if (record.value instanceof Map) {
        values = lookupKeys(record.value, targets, command.json.mode === 'auto ignorecase');
      } else {
        values = "Invalid JSON: 'auto' needs an object at the root (arrays need a jsonpaths file)";
      }
      if (typeof values === 'string') {
        logError(object, record.line, record.raw, { err_code: 1224, err_reason: values });
        continue;
      }
      const row: Row = { values: [], present: [] };
      let failed = false;
      for (let i = 0; i < targets.length && !failed; i += 1) {
        const column = targets[i]!;
        const absent = paths === undefined && values[i] === undefined;
        const converted = convertValue(values[i], column, command);
        const common = { colname: column.name, type: column.typeName, col_length: String(column.length ?? 0) };
        if (!converted.ok) {
          logError(object, record.line, record.raw, { ...common, position: converted.position, raw_field_value: converted.field, err_code: converted.code, err_reason: converted.reason });
          failed = true;
        } else if (converted.text === null && column.notNull && !(absent && column.hasDefault)) {
          logError(object, record.line, record.raw, { ...common, err_code: 1213, err_reason: 'Missing data for not-null field' });
          failed = true;
        } else {
          row.values.push(converted.text);
          row.present.push(!absent);
        }
      }
      if (!failed) rows.push(row);
    }
  });

  const threshold = Math.max(1, command.maxerror);
  if (errors.length >= threshold) {
    await ctx.recordLoadErrors(errors.slice(0, threshold));
    throw new SqlError(`Load into table '${command.table.name}' failed.  Check 'stl_load_errors' system table for details.`);
  }
  await ctx.recordLoadErrors(errors);
  await insertRows(client, command, targets, rows);
  await client.query(`SELECT set_config('rs_compat.last_copy_id', $1, false), set_config('rs_compat.last_copy_count', $2, false)`, [
    String(ctx.queryId),
    String(rows.length),
  ]);
  if (command.statupdate) await client.query(`ANALYZE ${formatName(command.table)}`);
  return rows.length;
}

async function insertRows(client: pg.ClientBase, command: CopyCommand, targets: TargetColumn[], rows: Row[]): Promise<void> {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const mask = row.present.map((p) => (p ? '1' : '0')).join('');
    groups.set(mask, [...(groups.get(mask) ?? []), row]);
  }
  const table = formatName(command.table);
  const overriding = command.explicitIds ? ' OVERRIDING SYSTEM VALUE' : '';
  for (const [mask, groupRows] of groups) {
    const indexes = [...mask].flatMap((bit, i) => (bit === '1' ? [i] : []));
    if (indexes.length === 0) {
      for (let n = 0; n < groupRows.length; n += 1) await client.query(`INSERT INTO ${table} DEFAULT VALUES`);
      continue;
    }
    const names = indexes.map((i) => quoteIdent(targets[i]!.name)).join(', ');
    const casts = indexes.map((i, n) => `u.c${n}::${targets[i]!.typeSql}`).join(', ');
    const unnest = indexes.map((_, n) => `$${n + 1}::text[]`).join(', ');
    const aliases = indexes.map((_, n) => `c${n}`).join(', ');
    const sql = `INSERT INTO ${table} (${names})${overriding} SELECT ${casts} FROM unnest(${unnest}) AS u(${aliases})`;
    for (let start = 0; start < groupRows.length; start += INSERT_CHUNK) {
      const chunk = groupRows.slice(start, start + INSERT_CHUNK);
      await client.query(sql, indexes.map((i) => chunk.map((row) => row.values[i] ?? null)));
    }
  }
}
