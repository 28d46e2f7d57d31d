import { isLosslessNumber, parse, stringify } from 'lossless-json';
import type { ColumnType } from '../../compile/index.js';
import { isIntegerType, isTextType } from '../../compile/index.js';
import { sqlTimestamp } from './sql-timestamp.js';
import type { JsonPath } from './jsonpaths.js';

/**
 * Redshift COPY's JSON-to-column rules in TypeScript, for engines that cannot read the files themselves
 * (PostgreSQL: the rows stream through COPY FROM STDIN). The DuckDB loader applies the same rules in SQL; both are
 * checked against the same fixtures so every engine loads the same rows.
 *
 * Numbers keep their source text (parsed losslessly), so `1540919166796.0` is rejected by an integer column as
 * Redshift rejects it, and an empty string is NULL for every non-text type.
 */
export interface ColumnPlan {
  name: string;
  type: ColumnType;
  path: JsonPath | 'ignorecase';
}

export type ConvertedRow = { values: (string | null)[] } | { error: string; column?: string };

const INTEGER_RANGE: Record<string, [bigint, bigint]> = {
  smallint: [-32768n, 32767n],
  integer: [-2147483648n, 2147483647n],
  bigint: [-9223372036854775808n, 9223372036854775807n],
};
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

export function parseJsonDocument(text: string): unknown {
  return parse(text);
}

/** With a JSONPaths file (`byJsonPaths`) a root-level array is a document too ($[0] ...); with 'auto' only objects are. */
export function convertDocument(doc: unknown, columns: readonly ColumnPlan[], timeformat: string | undefined, byJsonPaths: boolean): ConvertedRow {
  const byPath = byJsonPaths;
  if (!doc || typeof doc !== 'object' || isLosslessNumber(doc) || (Array.isArray(doc) && !byPath)) {
    return { error: byPath ? 'not a JSON object or array' : 'not a JSON object (a root-level array needs a jsonpaths file)' };
  }
  const values: (string | null)[] = [];
  for (const column of columns) {
    const raw = column.path === 'ignorecase' ? lookupIgnoringCase(doc as Record<string, unknown>, column.name) : follow(doc, column.path);
    const converted = convertValue(textOf(raw), column, timeformat);
    if (typeof converted === 'object' && converted !== null) return { error: converted.error, column: column.name };
    values.push(converted);
  }
  return { values };
}

function follow(doc: unknown, path: JsonPath): unknown {
  let node: unknown = doc;
  for (const segment of path) {
    if (node === null || typeof node !== 'object' || isLosslessNumber(node)) return undefined;
    node = 'key' in segment ? (node as Record<string, unknown>)[segment.key] : Array.isArray(node) ? node[segment.index] : undefined;
  }
  return node;
}

function lookupIgnoringCase(doc: Record<string, unknown>, name: string): unknown {
  if (name in doc) return doc[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(doc)) if (key.toLowerCase() === lower) return doc[key];
  return undefined;
}

function textOf(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (isLosslessNumber(value)) return value.toString();
  return stringify(value) ?? null;
}

function convertValue(text: string | null, column: ColumnPlan, timeformat: string | undefined): string | null | { error: string } {
  if (text === null) return null;
  const { type, name } = column;
  const shown = `'${text.slice(0, 60)}'`;
  if (isTextType(type)) {
    const bytes = Buffer.byteLength(text);
    return type.length && bytes > type.length ? { error: `column ${name}: value of ${bytes} bytes exceeds ${type.base}(${type.length})` } : text;
  }
  // An empty string is NULL for non-text columns (Redshift COPY); whitespace-only does not convert.
  if (text === '') return null;
  const t = text.trim();
  if (isIntegerType(type)) {
    if (!/^[-+]?[0-9]+$/.test(t)) return { error: `column ${name}: invalid ${type.base} ${shown}` };
    const value = BigInt(t);
    const [min, max] = INTEGER_RANGE[type.base]!;
    return value < min || value > max ? { error: `column ${name}: invalid ${type.base} ${shown}` } : value.toString();
  }
  switch (type.base) {
    case 'real':
    case 'double':
      return NUMBER.test(t) ? t : { error: `column ${name}: invalid ${type.base} ${shown}` };
    case 'numeric':
      return truncateDecimal(t, type) ?? { error: `column ${name}: invalid numeric(${type.precision ?? 18},${type.scale ?? 0}) ${shown}` };
    case 'boolean': {
      const lower = t.toLowerCase();
      if (['true', 't', '1', 'yes', 'y'].includes(lower)) return 'true';
      if (['false', 'f', '0', 'no', 'n'].includes(lower)) return 'false';
      return { error: `column ${name}: invalid boolean ${shown}` };
    }
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(t) && !Number.isNaN(Date.parse(`${t}T00:00:00Z`)) ? t : { error: `column ${name}: invalid date ${shown}` };
    default:
      return convertTimestamp(t, timeformat) ?? { error: `column ${name}: invalid timestamp${timeformat ? ` (${timeformat})` : ''} ${shown}` };
  }
}

function truncateDecimal(text: string, type: ColumnType): string | undefined {
  const match = /^([-+]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match || (!match[2] && !match[3])) return undefined;
  const scale = type.scale ?? 0;
  const precision = type.precision ?? 18;
  const integer = (match[2] ?? '').replace(/^0+(?=\d)/, '') || '0';
  if (integer.replace(/^0$/, '').length > precision - scale) return undefined;
  const fraction = (match[3] ?? '').slice(0, scale);
  return `${match[1] === '-' ? '-' : ''}${integer}${scale > 0 && fraction ? `.${fraction}` : ''}`;
}

function convertTimestamp(text: string, timeformat: string | undefined): string | undefined {
  if (timeformat === 'epochmillisecs' || timeformat === 'epochsecs') {
    if (!/^[-+]?[0-9]+(\.[0-9]*)?$/.test(text)) return undefined;
    const ms = timeformat === 'epochsecs' ? Math.round(Number(text) * 1000) : Math.trunc(Number(text));
    const date = new Date(ms);
    return Number.isNaN(date.getTime()) ? undefined : sqlTimestamp(date);
  }
  return /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/.test(text) ? text : undefined;
}

/** PostgreSQL COPY text format: tab-separated, \N for NULL, backslash escapes. */
export function copyTextLine(values: readonly (string | null)[]): string {
  return `${values.map((v) => (v === null ? '\\N' : v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r'))).join('\t')}\n`;
}
