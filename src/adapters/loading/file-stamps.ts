import { statSync } from 'node:fs';
import type { RelationName } from '../../compile/index.js';
import type { FileStamp, SqlDialect } from '../types.js';
import { projectRelative } from './source-files.js';

export type { FileStamp };

export function stampFiles(projectRoot: string, files: readonly string[]): Map<string, FileStamp> {
  const stamps = new Map<string, FileStamp>();
  for (const absolute of files) {
    const stat = statSync(absolute);
    const file = projectRelative(projectRoot, absolute);
    stamps.set(absolute, { file, size: stat.size, modifiedMs: Math.trunc(stat.mtimeMs) });
  }
  return stamps;
}

export type LoadPlan =
  | { mode: 'replace'; files: string[]; reason: string }
  | { mode: 'append'; files: string[] }
  | { mode: 'unchanged'; files: [] };

/**
 * An incremental source loads only files it has not loaded before, like Snowpipe or an Auto Loader. If a file
 * it loaded changed or disappeared, appending would duplicate or keep stale rows, so the table is rebuilt.
 */
export function planLoad(stamps: Map<string, FileStamp>, previous: ReadonlyMap<string, FileStamp> | undefined): LoadPlan {
  const all = [...stamps.keys()];
  if (!previous) return { mode: 'replace', files: all, reason: 'full load' };
  const current = new Map([...stamps.values()].map((s) => [s.file, s]));
  for (const [file, old] of previous) {
    const now = current.get(file);
    if (!now) return { mode: 'replace', files: all, reason: `${file} was removed` };
    if (now.size !== old.size || now.modifiedMs !== old.modifiedMs) return { mode: 'replace', files: all, reason: `${file} changed` };
  }
  const fresh = all.filter((absolute) => !previous.has(stamps.get(absolute)!.file));
  return fresh.length ? { mode: 'append', files: fresh } : { mode: 'unchanged', files: [] };
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
