import type { JsonPath } from '../loading/jsonpaths.js';
import type { DuckdbDialect } from './duckdb-dialect.js';

const MAX_OBJECT_BYTES = 4 * 1024 * 1024 + 1024;
/**
 * DuckDB's CSV reader splits a file into buffers for its threads, 16 times max_line_size by default: 64 MiB here,
 * so one day of 10M-event logs (150 MB) made three pieces for two cores, and one core did two of them. Buffers of
 * the smallest size DuckDB allows (one line of the longest kind) share the work evenly: that file reads in 0.37 s
 * instead of 0.49 s. Lines longer than a buffer are rejected as before.
 */
const READ_BUFFER_BYTES = MAX_OBJECT_BYTES;

export interface DocumentsQuery {
  /** A query with columns sqlkit_file, sqlkit_doc (text) and sqlkit_valid (boolean). */
  sql: string;
  /** Tables DuckDB fills with rejected lines (JSON lines only), to read and drop afterwards. */
  rejects?: { table: string; scan: string };
}

/**
 * One row per JSON document, read by DuckDB itself. JSON lines are read as one text column with the CSV reader
 * (no quoting, a delimiter that cannot occur). `validated` types that column JSON, so DuckDB rejects malformed
 * lines with file and line (the staged load reports them); without it each document is parsed once, by the
 * conversion, instead of twice (about a sixth less work per line), and a malformed line fails the conversion,
 * which is how the direct load learns that it must hand over to the staged one. Whole-file JSON (whitespace-
 * separated documents, one or several per file, as Redshift COPY reads them) uses read_json_objects; a malformed
 * document makes DuckDB fail, and the loader then locates it in JavaScript.
 */
export function documentsQuery(format: 'jsonl' | 'json', fileList: string, names: { rejects: string; scan: string }, validated = true): DocumentsQuery {
  if (format === 'jsonl') {
    return {
      sql: `select filename as sqlkit_file, doc::varchar as sqlkit_doc, true as sqlkit_valid from read_csv(${fileList}, columns = {'doc': '${validated ? 'JSON' : 'VARCHAR'}'}, delim = '\x01', quote = '', escape = '', header = false, auto_detect = false, filename = true, store_rejects = true, rejects_table = '${names.rejects}', rejects_scan = '${names.scan}', max_line_size = ${MAX_OBJECT_BYTES}, buffer_size = ${READ_BUFFER_BYTES}) where doc is not null`,
      rejects: { table: names.rejects, scan: names.scan },
    };
  }
  return {
    // 'unstructured': values separated by whitespace, spanning lines or not; a root array stays one document.
    sql: `select filename as sqlkit_file, json::varchar as sqlkit_doc, coalesce(json_valid(json), false) as sqlkit_valid from read_json_objects(${fileList}, format = 'unstructured', filename = true, maximum_object_size = ${MAX_OBJECT_BYTES})`,
  };
}

export function toDuckdbPath(path: JsonPath): string {
  return `$${path.map((s) => ('key' in s ? `."${s.key.replace(/"/g, '\\"')}"` : `[${s.index}]`)).join('')}`;
}

export function fileListLiteral(files: readonly string[], dialect: DuckdbDialect): string {
  return `[${files.map((f) => dialect.stringLiteral(f)).join(', ')}]`;
}
