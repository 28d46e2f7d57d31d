import { SqlError } from './sql-error.js';
import type { Token } from './tokenizer.js';
import { isPunct, isWord, matchParen, nextSig, sigIndices } from './tokens.js';

export interface MappedType {
  /** PostgreSQL type text. */
  sql: string;
  /** Redshift's limit in bytes for VARCHAR/CHAR, enforced with a CHECK because PostgreSQL counts characters. */
  maxBytes?: number;
  isInteger: boolean;
  /** Token index just after the type. */
  end: number;
}

const MAX_VARCHAR = 65535;
const MAX_CHAR = 4096;

const SIMPLE: Record<string, string> = {
  int: 'integer',
  integer: 'integer',
  int4: 'integer',
  smallint: 'smallint',
  int2: 'smallint',
  bigint: 'bigint',
  int8: 'bigint',
  real: 'real',
  float4: 'real',
  float8: 'double precision',
  bool: 'boolean',
  boolean: 'boolean',
  date: 'date',
  timestamptz: 'timestamp with time zone',
  timetz: 'time with time zone',
  super: 'jsonb',
  text: 'varchar(256)',
  bpchar: 'char(256)',
};

function numberArgs(tokens: readonly Token[], open: number, close: number): string[] {
  return sigIndices(tokens, open + 1, close)
    .map((i) => tokens[i]!)
    .filter((token) => !isPunct(token, ','))
    .map((token) => token.text.toLowerCase());
}

function typeArgs(tokens: readonly Token[], i: number): { args: string[]; end: number } {
  const open = nextSig(tokens, i);
  if (!isPunct(tokens[open], '(')) return { args: [], end: i };
  const close = matchParen(tokens, open);
  return { args: numberArgs(tokens, open, close), end: close + 1 };
}

function timeZoneSuffix(tokens: readonly Token[], i: number): { withZone: boolean | undefined; end: number } {
  const first = nextSig(tokens, i);
  if (!isWord(tokens[first], 'with', 'without')) return { withZone: undefined, end: i };
  const time = nextSig(tokens, first + 1);
  const zone = nextSig(tokens, time + 1);
  if (!isWord(tokens[time], 'time') || !isWord(tokens[zone], 'zone')) return { withZone: undefined, end: i };
  return { withZone: isWord(tokens[first], 'with'), end: zone + 1 };
}

function lengthArg(arg: string | undefined, fallback: number, max: number, type: string, at: number): number {
  if (arg === undefined) return fallback;
  if (arg === 'max') return max;
  const n = Number(arg);
  if (!Number.isInteger(n) || n < 1) throw new SqlError(`invalid length for type ${type}: ${arg}`, at);
  if (n > max) throw new SqlError(`length for type ${type} cannot exceed ${max}`, at);
  return n;
}

/** Maps the Redshift column type starting at token `i` to PostgreSQL, applying Redshift's defaults and limits. */
export function mapColumnType(tokens: readonly Token[], i: number, strict: boolean): MappedType {
  const first = tokens[i];
  if (first?.kind !== 'word') throw new SqlError(`syntax error at or near "${first?.text ?? 'end of input'}"`, first?.start);
  const at = first.start;
  let word = first.text.toLowerCase();
  let next = i + 1;
  const follow = (...words: string[]) => {
    const j = nextSig(tokens, next);
    if (!isWord(tokens[j], ...words)) return false;
    next = j + 1;
    return true;
  };

  if (word === 'double') {
    follow('precision');
    word = 'float8';
  } else if (word === 'national') {
    follow('character', 'char');
    word = follow('varying') ? 'varchar' : 'char';
  } else if (word === 'character' || word === 'char' || word === 'nchar') {
    word = follow('varying') ? 'varchar' : 'char';
  } else if (word === 'nvarchar') {
    word = 'varchar';
  } else if (word === 'binary') {
    if (follow('varying')) word = 'varbyte';
  }

  let mapped: Omit<MappedType, 'end'>;
  const { args, end } = typeArgs(tokens, next);
  next = end;
  if (word === 'varchar') {
    const n = lengthArg(args[0], 256, MAX_VARCHAR, 'varchar', at);
    mapped = { sql: `varchar(${n})`, maxBytes: n, isInteger: false };
  } else if (word === 'char') {
    const n = lengthArg(args[0], 1, MAX_CHAR, 'char', at);
    mapped = { sql: `char(${n})`, maxBytes: n, isInteger: false };
  } else if (word === 'decimal' || word === 'numeric') {
    const precision = Number(args[0] ?? 18);
    const scale = Number(args[1] ?? 0);
    if (!(precision >= 1 && precision <= 38)) throw new SqlError(`NUMERIC precision ${args[0]} must be between 1 and 38`, at);
    if (!(scale >= 0 && scale <= precision)) throw new SqlError(`NUMERIC scale ${args[1]} must be between 0 and precision ${precision}`, at);
    mapped = { sql: `numeric(${precision},${scale})`, isInteger: false };
  } else if (word === 'float') {
    const precision = Number(args[0] ?? 53);
    mapped = { sql: precision <= 24 ? 'real' : 'double precision', isInteger: false };
  } else if (word === 'timestamp' || word === 'time') {
    const zone = timeZoneSuffix(tokens, next);
    next = zone.end;
    const precision = args[0] === undefined ? '' : `(${args[0]})`;
    mapped = { sql: `${word}${precision}${zone.withZone ? ' with time zone' : ' without time zone'}`, isInteger: false };
  } else if (word === 'varbyte' || word === 'varbinary') {
    mapped = { sql: 'bytea', isInteger: false };
  } else if (SIMPLE[word] !== undefined) {
    const sql = SIMPLE[word]!;
    mapped = { sql, isInteger: ['integer', 'smallint', 'bigint'].includes(sql), ...(word === 'text' ? { maxBytes: 256 } : {}) };
    if (word === 'bpchar') mapped = { ...mapped, maxBytes: 256 };
  } else if (strict) {
    // Covers PostgreSQL-only types (json, uuid, serial, interval, bytea, money, …): Redshift has no such type.
    throw new SqlError(`type "${word}" does not exist`, at);
  } else {
    mapped = { sql: tokens.slice(i, next).map((t) => t.text).join(''), isInteger: false };
  }

  const bracket = nextSig(tokens, next);
  if (isPunct(tokens[bracket], '[')) {
    if (strict) throw new SqlError(`syntax error at or near "["`, tokens[bracket]!.start);
    const close = nextSig(tokens, bracket + 1);
    mapped = { sql: `${mapped.sql}[]`, isInteger: false };
    next = close + 1;
  }
  return { ...mapped, end: next };
}
