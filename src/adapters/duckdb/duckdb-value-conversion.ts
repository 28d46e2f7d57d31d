import type { ColumnType } from '../../compile/index.js';
import { isIntegerType, isTextType } from '../../compile/index.js';
import type { DuckdbDialect } from './duckdb-dialect.js';

/**
 * SQL that converts a JSON value's text to a column type with Redshift COPY's rules, plus the condition that
 * marks the row bad and the reason recorded for it. The TypeScript twin for engines that stream rows is
 * adapters/loading/json-row-converter.ts; both are checked against the same fixtures.
 */
export interface Conversion {
  /** SQL computing the typed value from the raw text `raw`. */
  value: string;
  /** SQL, in terms of `raw` and the already-computed typed value `typed`, true when the row is bad. */
  bad: string;
  /** SQL producing the recorded reason. */
  reason: string;
}

/**
 * Two steps so each value is converted once: `value` runs in an inner query, `bad` compares its result (`typed`)
 * with the raw text in the outer one. A non-empty value that converts to NULL is bad. Integers must be integer
 * literals: DuckDB casts '1.5' or '1e3' to an integer, Redshift rejects them.
 */
export function convertValue(raw: string, typed: string, type: ColumnType, column: string, timeformat: string | undefined, dialect: DuckdbDialect): Conversion {
  const lit = (text: string) => dialect.stringLiteral(text);
  const reason = (what: string) => `${lit(`column ${column}: ${what} '`)} || left(${raw}, 60) || ''''`;
  if (isTextType(type)) {
    return type.length
      ? { value: raw, bad: `strlen(${raw}) > ${type.length}`, reason: `${lit(`column ${column}: value of `)} || strlen(${raw}) || ${lit(` bytes exceeds ${type.base}(${type.length})`)}` }
      : { value: raw, bad: 'false', reason: "''" };
  }
  // DuckDB's casts ignore surrounding whitespace; an empty string is NULL (Redshift COPY's rule for non-text
  // columns), anything else that does not convert, whitespace-only included, is bad.
  const t = raw;
  const present = `${raw} <> ''`;
  const sqlType = dialect.columnType(type);
  if (isIntegerType(type)) {
    return {
      value: `try_cast(${t} as ${sqlType})`,
      bad: `${present} and (${typed} is null or contains(${raw}, '.') or contains(${raw}, 'e') or contains(${raw}, 'E') or contains(${raw}, 'x') or contains(${raw}, 'X'))`,
      reason: reason(`invalid ${type.base}`),
    };
  }
  if (type.base === 'numeric') {
    const scale = type.scale ?? 0;
    // Redshift truncates digits beyond the declared scale; casting would round.
    const value = `try_cast(trunc(try_cast(${t} as decimal(38, ${Math.min(37, scale + 6)})) * ${10 ** scale}) / ${10 ** scale} as ${sqlType})`;
    return { value, bad: `${present} and ${typed} is null`, reason: reason(`invalid ${sqlType}`) };
  }
  if (type.base === 'timestamp' || type.base === 'timestamptz') {
    const numeric = `regexp_full_match(trim(${t}), '[-+]?[0-9]+(\\.[0-9]*)?')`;
    const value =
      timeformat === 'epochmillisecs'
        ? `case when ${numeric} then epoch_ms(cast(cast(${t} as double) as bigint)) end`
        : timeformat === 'epochsecs'
          ? `case when ${numeric} then make_timestamp(cast(cast(${t} as double) * 1000000 as bigint)) end`
          : `try_cast(${t} as timestamp)`;
    return { value, bad: `${present} and ${typed} is null`, reason: reason(`invalid timestamp${timeformat ? ` (${timeformat})` : ''}`) };
  }
  return { value: `try_cast(${t} as ${sqlType})`, bad: `${present} and ${typed} is null`, reason: reason(`invalid ${type.base}`) };
}
