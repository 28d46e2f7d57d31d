import { formatDateTime, parseDateTime, parseEpoch } from './datetime-formats.js';
import { JsonNumber, toJsonText } from './json-scanner.js';
import type { JsonValue } from './json-scanner.js';
import type { TargetColumn } from './target-columns.js';

export interface ConversionOptions {
  emptyAsNull: boolean;
  blanksAsNull: boolean;
  truncateColumns: boolean;
  acceptInvChars: string | undefined;
  roundec: boolean;
  timeformat: string | undefined;
  dateformat: string | undefined;
}

export type Conversion = { ok: true; text: string | null } | { ok: false; code: number; reason: string; field: string; position: number };

const INTEGER_RANGES = {
  int2: { min: -32768n, max: 32767n, label: 'Short' },
  int4: { min: -2147483648n, max: 2147483647n, label: 'Integer' },
  int8: { min: -9223372036854775808n, max: 9223372036854775807n, label: 'Long' },
} as const;

const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$|^[+-]?(?:nan|inf|infinity)$/i;
const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const BOOLEANS: Record<string, string> = { t: 'true', true: 'true', y: 'true', yes: 'true', '1': 'true', f: 'false', false: 'false', n: 'false', no: 'false', '0': 'false' };

const fail = (code: number, reason: string, field: string, position = 0): Conversion => ({ ok: false, code, reason, field, position });

function invalidDigit(text: string, label: string): Conversion {
  const position = [...text].findIndex((ch, i) => !(/\d/.test(ch) || (i === 0 && (ch === '-' || ch === '+'))));
  const at = Math.max(position, 0);
  return fail(1207, `Invalid digit, Value '${text[at] ?? ''}', Pos ${at}, Type: ${label}`, text, at);
}

function toInteger(text: string, kind: keyof typeof INTEGER_RANGES): Conversion {
  const range = INTEGER_RANGES[kind];
  const trimmed = text.trim();
  if (!/^[+-]?\d+$/.test(trimmed)) return invalidDigit(trimmed, range.label);
  const value = BigInt(trimmed);
  if (value < range.min || value > range.max) return fail(1216, `Overflow, Value '${trimmed}', Type: ${range.label}`, text);
  return { ok: true, text: value.toString() };
}

/** DECIMAL(p,s): excess scale is truncated (rounded with ROUNDEC); PostgreSQL's cast would always round. */
function toDecimal(text: string, precision: number | undefined, scale: number | undefined, roundec: boolean): Conversion {
  const match = DECIMAL.exec(text.trim());
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) return invalidDigit(text.trim(), 'Decimal');
  if (precision === undefined || scale === undefined) return { ok: true, text: text.trim() };
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = match;
  let digits = `${whole}${fraction}`;
  let point = whole.length + Number(exponent);
  if (point < 0) {
    digits = '0'.repeat(-point) + digits;
    point = 0;
  }
  digits = digits.padEnd(point, '0');
  let intPart = digits.slice(0, point).replace(/^0+/, '') || '0';
  let fracPart = digits.slice(point).padEnd(scale, '0');
  if (roundec && Number(fracPart[scale] ?? '0') >= 5) {
    const rounded = (BigInt(`${intPart}${fracPart.slice(0, scale)}`) + 1n).toString().padStart(scale + 1, '0');
    intPart = rounded.slice(0, rounded.length - scale).replace(/^0+/, '') || '0';
    fracPart = rounded.slice(rounded.length - scale);
  }
  fracPart = fracPart.slice(0, scale);
  if (intPart !== '0' && intPart.length > precision - scale) {
    return fail(1216, `Numeric data overflow (result precision), Value '${text.trim()}'`, text);
  }
  const body = scale > 0 ? `${intPart}.${fracPart}` : intPart;
  return { ok: true, text: sign === '-' && /[1-9]/.test(body) ? `-${body}` : body };
}

function toCharacter(text: string, column: TargetColumn, options: ConversionOptions): Conversion {
  let value = text;
  if (value.includes('\u0000')) {
    if (options.acceptInvChars === undefined) return fail(1220, 'String contains invalid or unsupported UTF8 codepoints', text);
    value = value.replace(/\u0000/g, options.acceptInvChars);
  }
  if (column.kind === 'char' && /[^\x00-\x7f]/.test(value)) {
    return fail(1220, 'Multibyte character not supported for CHAR (Hint: try using VARCHAR)', text);
  }
  const limit = column.length;
  if (limit !== undefined && Buffer.byteLength(value) > limit) {
    if (!options.truncateColumns) return fail(1204, 'String length exceeds DDL length', text);
    let cut = '';
    for (const ch of value) {
      if (Buffer.byteLength(cut + ch) > limit) break;
      cut += ch;
    }
    value = cut;
  }
  return { ok: true, text: value };
}

function toDateTime(text: string, column: TargetColumn, options: ConversionOptions): Conversion {
  const kind = column.kind as 'date' | 'timestamp' | 'timestamptz';
  const format = kind === 'date' ? options.dateformat : options.timeformat;
  const parsed =
    kind !== 'date' && (format === 'epochsecs' || format === 'epochmillisecs')
      ? parseEpoch(text, format)
      : parseDateTime(text, format, kind === 'timestamptz');
  if (parsed) return { ok: true, text: formatDateTime(parsed, kind) };
  if (kind === 'date') {
    return fail(1205, text.trim().length < 10 ? 'Invalid Date Format - length must be 10 or more' : `Invalid date format [${format ?? 'YYYY-MM-DD'}]`, text);
  }
  return fail(1206, `Invalid timestamp format or value [${format ?? 'YYYY-MM-DD HH24:MI:SS'}]`, text);
}

function valueText(value: JsonValue): string {
  if (value instanceof JsonNumber) return value.text;
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return toJsonText(value);
}

/** Converts one JSON value for a column the way Redshift's COPY does, or reports the row error it would log. */
export function convertValue(value: JsonValue | undefined, column: TargetColumn, options: ConversionOptions): Conversion {
  if (value === undefined || value === null) return { ok: true, text: null };
  if (column.kind === 'jsonb') return { ok: true, text: toJsonText(value) };
  const text = valueText(value);
  const isCharacter = column.kind === 'varchar' || column.kind === 'char' || column.kind === 'text';
  if (isCharacter) {
    if (options.emptyAsNull && text === '') return { ok: true, text: null };
    if (options.blanksAsNull && text.trim() === '') return { ok: true, text: null };
    return toCharacter(text, column, options);
  }
  // An empty string is NULL for every non-character type (Sparkify's "userId": "" into INT).
  if (typeof value === 'string' && text.trim() === '') return { ok: true, text: null };
  switch (column.kind) {
    case 'int2':
    case 'int4':
    case 'int8':
      return toInteger(text, column.kind);
    case 'numeric':
      return toDecimal(text, column.length, column.scale, options.roundec);
    case 'float':
      return FLOAT.test(text.trim()) ? { ok: true, text: text.trim() } : invalidDigit(text.trim(), 'Double');
    case 'bool': {
      const normalized = BOOLEANS[text.trim().toLowerCase()];
      return normalized ? { ok: true, text: normalized } : fail(1207, `Invalid boolean value '${text}'`, text);
    }
    case 'date':
    case 'timestamp':
    case 'timestamptz':
      return toDateTime(text, column, options);
    default:
      return { ok: true, text };
  }
}
