import { SqlError } from './sql-error.js';
import type { Token } from './tokenizer.js';

export function isTrivia(token: Token | undefined): boolean {
  return token !== undefined && (token.kind === 'space' || token.kind === 'comment');
}

/** Index of the first non-trivia token at or after `i` (tokens.length when none). */
export function nextSig(tokens: readonly Token[], i: number, end = tokens.length): number {
  let j = i;
  while (j < end && isTrivia(tokens[j])) j += 1;
  return j;
}

/** Index of the last non-trivia token at or before `i` (-1 when none). */
export function prevSig(tokens: readonly Token[], i: number): number {
  let j = i;
  while (j >= 0 && isTrivia(tokens[j])) j -= 1;
  return j;
}

export function isWord(token: Token | undefined, ...words: string[]): boolean {
  if (token?.kind !== 'word') return false;
  const lower = token.text.toLowerCase();
  return words.length === 0 || words.includes(lower);
}

export function isPunct(token: Token | undefined, text: string): boolean {
  return token !== undefined && token.kind === 'punct' && token.text === text;
}

/** Index of the `)` matching the `(` at `open`. */
export function matchParen(tokens: readonly Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i += 1) {
    const token = tokens[i]!;
    if (token.kind !== 'punct') continue;
    if (token.text === '(') depth += 1;
    else if (token.text === ')') {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  throw new SqlError('syntax error: unbalanced parentheses', tokens[open]?.start);
}

/** Ranges [from, to) between top-level separators in tokens[from, to). */
export function splitTopLevel(tokens: readonly Token[], from: number, to: number, separator = ','): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let depth = 0;
  let start = from;
  for (let i = from; i < to; i += 1) {
    const token = tokens[i]!;
    if (token.kind !== 'punct') continue;
    if (token.text === '(' || token.text === '[') depth += 1;
    else if (token.text === ')' || token.text === ']') depth -= 1;
    else if (token.text === separator && depth === 0) {
      ranges.push([start, i]);
      start = i + 1;
    }
  }
  ranges.push([start, to]);
  return ranges;
}

/** Significant (non-trivia) token indices in [from, to). */
export function sigIndices(tokens: readonly Token[], from = 0, to = tokens.length): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i += 1) if (!isTrivia(tokens[i])) out.push(i);
  return out;
}

/** An identifier's name as Redshift sees it: folded to lowercase, even when quoted. */
export function identName(token: Token): string {
  if (token.kind === 'qident') return token.text.slice(1, -1).replace(/""/g, '"').toLowerCase();
  return token.text.toLowerCase();
}

export function isIdent(token: Token | undefined): boolean {
  return token !== undefined && (token.kind === 'word' || token.kind === 'qident');
}

export interface QualifiedName {
  schema?: string;
  name: string;
  /** Token index range [start, end). */
  start: number;
  end: number;
}

/** Reads `name` or `schema.name` starting at the significant token `i`. */
export function readQualifiedName(tokens: readonly Token[], i: number): QualifiedName | undefined {
  const first = tokens[i];
  if (!isIdent(first)) return undefined;
  const dot = nextSig(tokens, i + 1);
  if (isPunct(tokens[dot], '.')) {
    const second = nextSig(tokens, dot + 1);
    if (isIdent(tokens[second])) {
      return { schema: identName(first!), name: identName(tokens[second]!), start: i, end: second + 1 };
    }
  }
  return { name: identName(first!), start: i, end: i + 1 };
}

/** The name alone, without token positions (what effects and records keep). */
export function toRelation(name: QualifiedName): { schema?: string; name: string } {
  return name.schema === undefined ? { name: name.name } : { schema: name.schema, name: name.name };
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function formatName(name: { schema?: string | undefined; name: string }): string {
  return name.schema === undefined ? quoteIdent(name.name) : `${quoteIdent(name.schema)}.${quoteIdent(name.name)}`;
}

export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** The value of a string literal token. */
export function stringValue(token: Token): string {
  const text = token.text;
  if (/^[eE]'/.test(text)) {
    return text.slice(2, -1).replace(/\\(.)/g, (_, ch: string) => ({ n: '\n', t: '\t', r: '\r' })[ch] ?? ch).replace(/''/g, "'");
  }
  const body = /^[nNbBxX]'/.test(text) ? text.slice(2, -1) : text.slice(1, -1);
  return body.replace(/''/g, "'");
}
