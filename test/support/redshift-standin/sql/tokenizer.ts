import { SqlError } from './sql-error.js';

export type TokenKind =
  | 'space'
  | 'comment'
  | 'string'
  | 'dollar'
  | 'qident'
  | 'number'
  | 'word'
  | 'param'
  | 'positional'
  | 'punct'
  | 'op';

export interface Token {
  kind: TokenKind;
  text: string;
  /** Offset of the first character in the original SQL. */
  start: number;
}

const IDENT_START = /[A-Za-z_\u0080-\uffff]/;
const IDENT_PART = /[A-Za-z0-9_$\u0080-\uffff]/;
const OP_CHARS = '+-*/<>=~!@#%^&|`?';
const PUNCT = '(),;.[]';

function readQuoted(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const ch = sql[i];
    if (backslashEscapes && ch === '\\') {
      i += 2;
      continue;
    }
    if (ch === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i += 1;
  }
  const what = quote === '"' ? 'unterminated quoted identifier' : 'unterminated quoted string';
  throw new SqlError(`${what} at or near "${sql.slice(start, start + 20)}"`, start);
}

function readBlockComment(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql.startsWith('/*', i)) {
      depth += 1;
      i += 2;
    } else if (sql.startsWith('*/', i)) {
      depth -= 1;
      i += 2;
      if (depth === 0) return i;
    } else {
      i += 1;
    }
  }
  throw new SqlError('unterminated /* comment', start);
}

function readDollarQuote(sql: string, start: number): number | undefined {
  const match = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(start, start + 70));
  if (!match) return undefined;
  const tag = match[0];
  const end = sql.indexOf(tag, start + tag.length);
  if (end < 0) throw new SqlError(`unterminated dollar-quoted string at or near "${tag}"`, start);
  return end + tag.length;
}

function readNumber(sql: string, start: number): number {
  const match = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(sql.slice(start, start + 400));
  return start + (match ? match[0].length : 1);
}

function readOperator(sql: string, start: number): number {
  let i = start;
  while (i < sql.length && OP_CHARS.includes(sql[i]!) && !sql.startsWith('--', i) && !sql.startsWith('/*', i)) i += 1;
  return Math.max(i, start + 1);
}

/** Splits SQL into tokens, keeping whitespace and comments so the text can be rebuilt exactly. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, end: number) => {
    tokens.push({ kind, text: sql.slice(i, end), start: i });
    i = end;
  };
  while (i < sql.length) {
    const ch = sql[i]!;
    const next = sql[i + 1] ?? '';
    if (/\s/.test(ch)) {
      let end = i + 1;
      while (end < sql.length && /\s/.test(sql[end]!)) end += 1;
      push('space', end);
    } else if (ch === '-' && next === '-') {
      const newline = sql.indexOf('\n', i);
      push('comment', newline < 0 ? sql.length : newline);
    } else if (ch === '/' && next === '*') {
      push('comment', readBlockComment(sql, i));
    } else if (ch === "'") {
      push('string', readQuoted(sql, i, "'", false));
    } else if ((ch === 'E' || ch === 'e') && next === "'") {
      push('string', readQuoted(sql, i + 1, "'", true));
    } else if ((ch === 'N' || ch === 'n' || ch === 'B' || ch === 'b' || ch === 'X' || ch === 'x') && next === "'") {
      push('string', readQuoted(sql, i + 1, "'", false));
    } else if (ch === '"') {
      push('qident', readQuoted(sql, i, '"', false));
    } else if (ch === '$' && /\d/.test(next)) {
      let end = i + 1;
      while (end < sql.length && /\d/.test(sql[end]!)) end += 1;
      push('positional', end);
    } else if (ch === '$') {
      const end = readDollarQuote(sql, i);
      push(end === undefined ? 'op' : 'dollar', end ?? i + 1);
    } else if (/\d/.test(ch) || (ch === '.' && /\d/.test(next))) {
      push('number', readNumber(sql, i));
    } else if (IDENT_START.test(ch) || (ch === '#' && IDENT_START.test(next))) {
      let end = i + 1;
      while (end < sql.length && IDENT_PART.test(sql[end]!)) end += 1;
      push('word', end);
    } else if (ch === ':' && next === ':') {
      push('op', i + 2);
    } else if (ch === ':' && IDENT_START.test(next)) {
      let end = i + 2;
      while (end < sql.length && IDENT_PART.test(sql[end]!)) end += 1;
      push('param', end);
    } else if (PUNCT.includes(ch) || ch === ':') {
      push('punct', i + 1);
    } else {
      push('op', readOperator(sql, i));
    }
  }
  return tokens;
}
