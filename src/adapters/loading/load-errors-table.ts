import type { RelationName } from '../../compile/index.js';
import type { LoadError, SqlDialect } from '../types.js';

/** The table every engine records rejected rows in, like Redshift's stl_load_errors. */
export function createLoadErrorsTable(dialect: SqlDialect, relation: RelationName): string {
  return `create table if not exists ${dialect.quoteRelation(relation)} (
  loaded_at timestamp,
  run_id varchar(64),
  source_name varchar(256),
  filename varchar(1024),
  line_number bigint,
  column_name varchar(256),
  reason varchar(1024),
  raw_line varchar(65535)
)`;
}

const MAX_RAW = 60000;

export function insertLoadErrors(dialect: SqlDialect, relation: RelationName, runId: string, source: string, errors: readonly LoadError[], now: string): string[] {
  const statements: string[] = [];
  const lit = (value: string) => dialect.stringLiteral(value);
  for (let i = 0; i < errors.length; i += 200) {
    const rows = errors.slice(i, i + 200).map((e) =>
      `(cast(${lit(now)} as timestamp), ${lit(runId)}, ${lit(source)}, ${lit(e.file)}, ${e.line}, ${e.column ? lit(e.column) : 'null'}, ${lit(e.reason.slice(0, 1000))}, ${lit(truncateBytes(e.rawLine, MAX_RAW))})`,
    );
    statements.push(`insert into ${dialect.quoteRelation(relation)} (loaded_at, run_id, source_name, filename, line_number, column_name, reason, raw_line) values\n${rows.join(',\n')}`);
  }
  return statements;
}

function truncateBytes(text: string, max: number): string {
  if (Buffer.byteLength(text) <= max) return text;
  let out = text.slice(0, max);
  while (Buffer.byteLength(out) > max) out = out.slice(0, -1);
  return out;
}
