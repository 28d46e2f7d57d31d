import { SqlError } from './sql-error.js';
import type { DistStyle, InformationalConstraint, SortKeyStyle } from './statement-plan.js';
import type { Token } from './tokenizer.js';
import { identName, isIdent, isPunct, isWord, matchParen, nextSig, readQualifiedName, splitTopLevel, toRelation } from './tokens.js';

export const ENCODINGS = new Set([
  'raw', 'az64', 'bytedict', 'delta', 'delta32k', 'lzo', 'mostly8', 'mostly16', 'mostly32', 'runlength', 'text255', 'text32k', 'zstd',
]);

export function syntaxErrorAt(token: Token | undefined): SqlError {
  return new SqlError(`syntax error at or near "${token?.text ?? 'end of input'}"`, token?.start);
}

/** Reads `( a, b, … )` at significant token `i`; returns the names and the index after `)`. */
export function readColumnList(tokens: readonly Token[], i: number): { columns: string[]; end: number } {
  if (!isPunct(tokens[i], '(')) throw syntaxErrorAt(tokens[i]);
  const close = matchParen(tokens, i);
  const columns = splitTopLevel(tokens, i + 1, close).map(([from, to]) => {
    const j = nextSig(tokens, from, to);
    if (!isIdent(tokens[j]) || nextSig(tokens, j + 1, to) < to) throw syntaxErrorAt(tokens[j]);
    return identName(tokens[j]!);
  });
  return { columns, end: close + 1 };
}

export function checkEncoding(token: Token | undefined, column: string): string {
  const encoding = token && isIdent(token) ? identName(token) : '';
  if (!ENCODINGS.has(encoding)) throw new SqlError(`invalid encoding type specified for column "${column}"`, token?.start);
  return encoding.toUpperCase();
}

export interface TableAttributeClauses {
  diststyle?: DistStyle;
  distkey?: string;
  sortkeyStyle?: SortKeyStyle;
  sortkey?: string[];
  encodeAuto?: boolean;
  backup?: boolean;
}

/**
 * Reads Redshift table attributes (DISTSTYLE, DISTKEY(col), [COMPOUND|INTERLEAVED] SORTKEY(cols), SORTKEY AUTO,
 * ENCODE AUTO, BACKUP YES|NO) starting at significant token `i`; stops at the first token that is none of them.
 */
export function readTableAttributes(tokens: readonly Token[], i: number, into: TableAttributeClauses): number {
  let j = nextSig(tokens, i);
  for (;;) {
    const token = tokens[j];
    const after = nextSig(tokens, j + 1);
    if (isWord(token, 'diststyle')) {
      if (!isWord(tokens[after], 'auto', 'even', 'key', 'all')) throw syntaxErrorAt(tokens[after]);
      into.diststyle = tokens[after]!.text.toUpperCase() as DistStyle;
      j = nextSig(tokens, after + 1);
    } else if (isWord(token, 'distkey')) {
      const list = readColumnList(tokens, after);
      if (list.columns.length !== 1) throw new SqlError('DISTKEY takes exactly one column', token!.start);
      into.distkey = list.columns[0]!;
      j = nextSig(tokens, list.end);
    } else if (isWord(token, 'compound', 'interleaved', 'sortkey')) {
      const style = isWord(token, 'sortkey') ? 'COMPOUND' : (token!.text.toUpperCase() as SortKeyStyle);
      const keyword = isWord(token, 'sortkey') ? j : after;
      if (!isWord(tokens[keyword], 'sortkey')) throw syntaxErrorAt(tokens[keyword]);
      const value = nextSig(tokens, keyword + 1);
      if (isWord(tokens[value], 'auto') && isWord(token, 'sortkey')) {
        into.sortkeyStyle = 'AUTO';
        into.sortkey = [];
        j = nextSig(tokens, value + 1);
      } else {
        const list = readColumnList(tokens, value);
        into.sortkeyStyle = style;
        into.sortkey = list.columns;
        j = nextSig(tokens, list.end);
      }
    } else if (isWord(token, 'encode')) {
      if (!isWord(tokens[after], 'auto')) throw syntaxErrorAt(tokens[after]);
      into.encodeAuto = true;
      j = nextSig(tokens, after + 1);
    } else if (isWord(token, 'backup')) {
      if (!isWord(tokens[after], 'yes', 'no')) throw syntaxErrorAt(tokens[after]);
      into.backup = isWord(tokens[after], 'yes');
      j = nextSig(tokens, after + 1);
    } else {
      return j;
    }
  }
}

/** Reads a table constraint (PRIMARY KEY / UNIQUE / FOREIGN KEY … REFERENCES) in tokens[i, to). */
export function readTableConstraint(tokens: readonly Token[], i: number, to: number, name?: string): InformationalConstraint | undefined {
  const token = tokens[i];
  const named = name === undefined ? {} : { name };
  if (isWord(token, 'primary') || isWord(token, 'unique')) {
    const start = isWord(token, 'primary') ? nextSig(tokens, nextSig(tokens, i + 1) + 1) : nextSig(tokens, i + 1);
    const list = readColumnList(tokens, start);
    if (nextSig(tokens, list.end, to) < to) throw syntaxErrorAt(tokens[nextSig(tokens, list.end)]);
    return { type: isWord(token, 'primary') ? 'primary key' : 'unique', ...named, columns: list.columns };
  }
  if (isWord(token, 'foreign')) {
    const list = readColumnList(tokens, nextSig(tokens, nextSig(tokens, i + 1) + 1));
    const references = nextSig(tokens, list.end);
    if (!isWord(tokens[references], 'references')) throw syntaxErrorAt(tokens[references]);
    const target = readReference(tokens, nextSig(tokens, references + 1));
    return { type: 'foreign key', ...named, columns: list.columns, references: target.reference };
  }
  return undefined;
}

/** Reads `table [(cols)]` after REFERENCES. */
export function readReference(tokens: readonly Token[], i: number): { reference: NonNullable<InformationalConstraint['references']>; end: number } {
  const table = readQualifiedName(tokens, i);
  if (!table) throw syntaxErrorAt(tokens[i]);
  const open = nextSig(tokens, table.end);
  if (!isPunct(tokens[open], '(')) return { reference: { table: toRelation(table), columns: [] }, end: table.end };
  const list = readColumnList(tokens, open);
  return { reference: { table: toRelation(table), columns: list.columns }, end: list.end };
}
