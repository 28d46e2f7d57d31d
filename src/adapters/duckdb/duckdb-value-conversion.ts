import type { ColumnType } from '../../compile/index.js';
import { isIntegerType, isTextType } from '../../compile/index.js';
import type { DuckdbDialect } from './duckdb-dialect.js';

/**
 * SQL that converts a JSON value's text to a column type with Redshift COPY's rules, plus the condition that
 * marks the row bad and the reason recorded for it. The TypeScript twin for engines that stream rows is
 * adapters/loading/json-row-converter.ts; both are checked against the same fixtures.
 */
export interface Conversion {
  value: string;
  bad: string;
  reason: string;
}

export function convertValue(v: string, type: ColumnType, column: string, timeformat: string | undefined, dialect: DuckdbDialect): Conversion {
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

