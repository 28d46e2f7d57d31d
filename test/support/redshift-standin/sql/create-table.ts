import { checkEncoding, readReference, readTableAttributes, readTableConstraint, syntaxErrorAt } from './attribute-syntax.js';
import type { TableAttributeClauses } from './attribute-syntax.js';
import { mapColumnType } from './column-types.js';
import type { RewriteContext } from './rewrite-context.js';
import { rewriteExpression } from './rewrite-expression.js';
import { SqlBuilder } from './sql-builder.js';
import { SqlError } from './sql-error.js';
import { defaultTableAttributes } from './statement-plan.js';
import type { CreateTableEffect, InformationalConstraint, RelationName, StatementEffects } from './statement-plan.js';
import type { Token } from './tokenizer.js';
import { formatName, identName, isIdent, isPunct, isWord, matchParen, nextSig, quoteIdent, readQualifiedName, splitTopLevel, toRelation } from './tokens.js';

/** Words that end a column's DEFAULT expression. */
const COLUMN_ATTRIBUTE_WORDS = [
  'encode', 'distkey', 'sortkey', 'identity', 'generated', 'not', 'null', 'primary', 'unique', 'references', 'collate', 'constraint', 'check',
];

export interface ColumnState {
  distkeys: string[];
  sortkeys: string[];
  constraints: InformationalConstraint[];
  encodings: Record<string, string>;
}

function identityClause(tokens: readonly Token[], open: number, mode: 'ALWAYS' | 'BY DEFAULT', type: { isInteger: boolean }, column: string) {
  if (!type.isInteger) throw new SqlError(`IDENTITY column "${column}" must be of type INT or BIGINT`, tokens[open]?.start);
  if (!isPunct(tokens[open], '(')) throw syntaxErrorAt(tokens[open]);
  const close = matchParen(tokens, open);
  const args = splitTopLevel(tokens, open + 1, close).map(([a, b]) => tokens.slice(a, b).map((t) => t.text).join('').trim());
  const [seed, step] = args.map(Number);
  if (args.length !== 2 || !Number.isInteger(seed) || !Number.isInteger(step) || step === 0) {
    throw new SqlError('IDENTITY requires integer seed and step arguments', tokens[open]!.start);
  }
  // PostgreSQL's default MINVALUE is 1, so a seed of 0 (common in Redshift DDL) would be refused.
  const bounds = step! > 0 ? `MINVALUE ${Math.min(seed!, 1)}` : `MAXVALUE ${Math.max(seed!, -1)}`;
  return { sql: `GENERATED ${mode} AS IDENTITY (START WITH ${seed} INCREMENT BY ${step} ${bounds})`, end: close + 1 };
}

export function translateColumn(tokens: readonly Token[], from: number, to: number, ctx: RewriteContext, state: ColumnState): SqlBuilder {
  const nameIndex = nextSig(tokens, from, to);
  const column = identName(tokens[nameIndex]!);
  const at = tokens[nameIndex]!.start;
  const type = mapColumnType(tokens, nextSig(tokens, nameIndex + 1, to), ctx.strict);
  const out = new SqlBuilder().text(`${quoteIdent(column)} ${type.sql}`, at);
  let j = nextSig(tokens, type.end, to);
  while (j < to) {
    const token = tokens[j]!;
    const after = nextSig(tokens, j + 1, to);
    if (isWord(token, 'encode')) {
      state.encodings[column] = checkEncoding(tokens[after], column);
      j = nextSig(tokens, after + 1, to);
    } else if (isWord(token, 'distkey')) {
      state.distkeys.push(column);
      j = after;
    } else if (isWord(token, 'sortkey')) {
      state.sortkeys.push(column);
      j = after;
    } else if (isWord(token, 'identity')) {
      const identity = identityClause(tokens, after, 'ALWAYS', type, column);
      out.text(` ${identity.sql}`, token.start);
      j = nextSig(tokens, identity.end, to);
    } else if (isWord(token, 'generated')) {
      const words = [after, nextSig(tokens, after + 1, to), nextSig(tokens, nextSig(tokens, after + 1, to) + 1, to)];
      if (!isWord(tokens[words[0]!], 'by') || !isWord(tokens[words[1]!], 'default')) throw syntaxErrorAt(tokens[words[0]!]);
      let k = nextSig(tokens, words[2]! + 1, to);
      if (!isWord(tokens[words[2]!], 'as') || !isWord(tokens[k], 'identity')) throw syntaxErrorAt(tokens[words[2]!]);
      k = nextSig(tokens, k + 1, to);
      const identity = identityClause(tokens, k, 'BY DEFAULT', type, column);
      out.text(` ${identity.sql}`, token.start);
      j = nextSig(tokens, identity.end, to);
    } else if (isWord(token, 'default')) {
      let end = after;
      let depth = 0;
      while (end < to && !(depth === 0 && isWord(tokens[end], ...COLUMN_ATTRIBUTE_WORDS))) {
        if (isPunct(tokens[end], '(')) depth += 1;
        if (isPunct(tokens[end], ')')) depth -= 1;
        end += 1;
      }
      out.text(' DEFAULT ', token.start).append(rewriteExpression(tokens, after, end, ctx));
      j = nextSig(tokens, end, to);
    } else if (isWord(token, 'not') && isWord(tokens[after], 'null')) {
      out.text(' NOT NULL', token.start);
      j = nextSig(tokens, after + 1, to);
    } else if (isWord(token, 'null')) {
      out.text(' NULL', token.start);
      j = after;
    } else if (isWord(token, 'primary') && isWord(tokens[after], 'key')) {
      state.constraints.push({ type: 'primary key', columns: [column] });
      j = nextSig(tokens, after + 1, to);
    } else if (isWord(token, 'unique')) {
      state.constraints.push({ type: 'unique', columns: [column] });
      j = after;
    } else if (isWord(token, 'references')) {
      const ref = readReference(tokens, after);
      state.constraints.push({ type: 'foreign key', columns: [column], references: ref.reference });
      j = nextSig(tokens, ref.end, to);
    } else if (isWord(token, 'collate')) {
      const collation = tokens[after] && isIdent(tokens[after]) ? identName(tokens[after]!) : '';
      if (collation === 'case_insensitive') out.text(' COLLATE rs_compat.case_insensitive', token.start);
      else if (collation !== 'case_sensitive') throw new SqlError(`collation "${collation}" is not supported`, tokens[after]?.start);
      j = nextSig(tokens, after + 1, to);
    } else if (isWord(token, 'constraint')) {
      j = nextSig(tokens, after + 1, to);
    } else if (isWord(token, 'check') && !ctx.strict) {
      const close = matchParen(tokens, after);
      out.text(' ', token.start).append(rewriteExpression(tokens, j, close + 1, ctx));
      j = nextSig(tokens, close + 1, to);
    } else if (isWord(token, 'check')) {
      throw new SqlError('CHECK constraints are not supported by Amazon Redshift', token.start);
    } else {
      throw syntaxErrorAt(token);
    }
  }
  // PostgreSQL counts VARCHAR/CHAR lengths in characters, Redshift in bytes: multibyte overflow must fail too.
  if (type.maxBytes !== undefined) out.text(` CHECK (octet_length(${quoteIdent(column)}) <= ${type.maxBytes})`, at);
  return out;
}

function finishAttributes(clauses: TableAttributeClauses, state: ColumnState): CreateTableEffect['attributes'] {
  const attributes = defaultTableAttributes();
  const distkeys = [...state.distkeys, ...(clauses.distkey ? [clauses.distkey] : [])];
  if (distkeys.length > 1) throw new SqlError('Only one DISTKEY column is allowed per table');
  const diststyle = clauses.diststyle ?? (distkeys.length > 0 ? 'KEY' : 'AUTO');
  if (diststyle === 'KEY' && distkeys.length === 0) throw new SqlError('DISTSTYLE KEY requires a DISTKEY column');
  if (diststyle !== 'KEY' && distkeys.length > 0) throw new SqlError(`DISTKEY is not allowed with DISTSTYLE ${diststyle}`);
  if (state.sortkeys.length > 0 && clauses.sortkey !== undefined) throw new SqlError('SORTKEY is specified both for a column and for the table');
  const sortkey = clauses.sortkey ?? state.sortkeys;
  const sortkeyStyle = clauses.sortkeyStyle ?? (sortkey.length > 0 ? 'COMPOUND' : 'AUTO');
  if (sortkeyStyle === 'INTERLEAVED' && sortkey.length > 8) throw new SqlError('an INTERLEAVED SORTKEY can have at most 8 columns');
  if (sortkey.length > 400) throw new SqlError('a COMPOUND SORTKEY can have at most 400 columns');
  return {
    ...attributes,
    diststyle,
    distkey: distkeys[0] ?? null,
    sortkeyStyle,
    sortkey,
    encodeAuto: clauses.encodeAuto ?? Object.keys(state.encodings).length === 0,
    columnEncodings: state.encodings,
    backup: clauses.backup ?? true,
    constraints: state.constraints,
  };
}

/** Translates CREATE [TEMP] TABLE (column list, LIKE, or CTAS), stripping and recording Redshift's attributes. */
export function translateCreateTable(tokens: readonly Token[], ctx: RewriteContext): { sql: SqlBuilder; effects: StatementEffects } {
  const create = nextSig(tokens, 0);
  let i = nextSig(tokens, create + 1);
  const at = tokens[create]!.start;
  if (isWord(tokens[i], 'or')) throw syntaxErrorAt(tokens[i]);
  let temporary = false;
  if (isWord(tokens[i], 'local')) i = nextSig(tokens, i + 1);
  if (isWord(tokens[i], 'temp', 'temporary')) {
    temporary = true;
    i = nextSig(tokens, i + 1);
  }
  i = nextSig(tokens, i + 1); // TABLE
  let ifNotExists = '';
  if (isWord(tokens[i], 'if')) {
    ifNotExists = 'IF NOT EXISTS ';
    i = nextSig(tokens, nextSig(tokens, nextSig(tokens, i + 1) + 1) + 1);
  }
  const qualified = readQualifiedName(tokens, i);
  if (!qualified) throw syntaxErrorAt(tokens[i]);
  const table: RelationName = toRelation(qualified);
  if (table.name.startsWith('#')) temporary = true;
  const head = new SqlBuilder().text(`CREATE ${temporary ? 'TEMPORARY ' : ''}TABLE ${ifNotExists}${formatName(table)}`, at);

  const state: ColumnState = { distkeys: [], sortkeys: [], constraints: [], encodings: {} };
  const clauses: TableAttributeClauses = {};
  let likeParent: RelationName | undefined;
  let j = nextSig(tokens, qualified.end);
  let columnNames = '';
  if (isPunct(tokens[j], '(')) {
    const close = matchParen(tokens, j);
    const afterList = readTableAttributes(tokens, close + 1, {});
    if (isWord(tokens[afterList], 'as')) {
      columnNames = ` ${tokens.slice(j, close + 1).map((t) => (t.kind === 'qident' ? quoteIdent(identName(t)) : t.text.toLowerCase())).join('')}`;
      j = nextSig(tokens, close + 1);
    } else {
      const elements = splitTopLevel(tokens, j + 1, close).map(([from, to]) => {
        let k = nextSig(tokens, from, to);
        let name: string | undefined;
        if (isWord(tokens[k], 'constraint')) {
          name = identName(tokens[nextSig(tokens, k + 1, to)]!);
          k = nextSig(tokens, nextSig(tokens, k + 1, to) + 1, to);
        }
        const constraint = readTableConstraint(tokens, k, to, name);
        if (constraint) {
          state.constraints.push(constraint);
          return undefined;
        }
        if (isWord(tokens[k], 'check')) {
          if (ctx.strict) throw new SqlError('CHECK constraints are not supported by Amazon Redshift', tokens[k]!.start);
          return rewriteExpression(tokens, from, to, ctx);
        }
        if (isWord(tokens[k], 'like')) {
          const parent = readQualifiedName(tokens, nextSig(tokens, k + 1, to));
          if (parent) likeParent = toRelation(parent);
          return rewriteExpression(tokens, from, to, ctx);
        }
        return translateColumn(tokens, from, to, ctx, state);
      });
      head.text(' (', tokens[j]!.start);
      elements.filter((e): e is SqlBuilder => e !== undefined).forEach((element, n) => {
        if (n > 0) head.text(', ', tokens[j]!.start);
        head.append(element);
      });
      head.text(')', tokens[close]!.start);
      j = readTableAttributes(tokens, close + 1, clauses);
      if (j < tokens.length) throw syntaxErrorAt(tokens[j]);
      return { sql: head, effects: effectsFor(table, ifNotExists !== '', clauses, state, likeParent) };
    }
  }
  // CTAS: attributes sit between the name (or column names) and AS.
  j = readTableAttributes(tokens, j, clauses);
  if (!isWord(tokens[j], 'as')) throw syntaxErrorAt(tokens[j]);
  head.text(`${columnNames} AS`, tokens[j]!.start).append(rewriteExpression(tokens, j + 1, tokens.length, ctx));
  return { sql: head, effects: effectsFor(table, ifNotExists !== '', clauses, state, undefined) };
}

function effectsFor(
  table: RelationName,
  ifNotExists: boolean,
  clauses: TableAttributeClauses,
  state: ColumnState,
  likeParent: RelationName | undefined,
): StatementEffects {
  const createTable: CreateTableEffect = {
    table,
    ifNotExists,
    attributes: finishAttributes(clauses, state),
    explicitDistribution: clauses.diststyle !== undefined || clauses.distkey !== undefined || state.distkeys.length > 0,
    explicitSortKey: clauses.sortkey !== undefined || clauses.sortkeyStyle !== undefined || state.sortkeys.length > 0,
    ...(likeParent ? { likeParent } : {}),
  };
  return { createTable, relationDdl: { targets: [table], schemas: [] } };
}
