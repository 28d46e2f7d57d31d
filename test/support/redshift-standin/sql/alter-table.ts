import { checkEncoding, readColumnList, readTableConstraint, syntaxErrorAt } from './attribute-syntax.js';
import { mapColumnType } from './column-types.js';
import { translateColumn } from './create-table.js';
import type { ColumnState } from './create-table.js';
import type { RewriteContext } from './rewrite-context.js';
import { rewriteExpression } from './rewrite-expression.js';
import { SqlBuilder } from './sql-builder.js';
import { SqlError } from './sql-error.js';
import type { AlterAttributesEffect, DistStyle, RelationName, StatementEffects } from './statement-plan.js';
import type { Token } from './tokenizer.js';
import { formatName, identName, isIdent, isWord, nextSig, quoteIdent, readQualifiedName, toRelation } from './tokens.js';

type Translated = { sql: SqlBuilder | null; effects: StatementEffects };

function ddl(table: RelationName, extra: StatementEffects = {}): StatementEffects {
  return { relationDdl: { targets: [table], schemas: [] }, ...extra };
}

function alterAttributes(table: RelationName, change: Omit<AlterAttributesEffect, 'table'>): Translated {
  return { sql: null, effects: { alterAttributes: { table, ...change } } };
}

/** ALTER DISTSTYLE / DISTKEY / SORTKEY / ENCODE AUTO: Redshift-only, recorded, nothing to run in PostgreSQL. */
function translateAlterPhysical(tokens: readonly Token[], i: number, table: RelationName): Translated | undefined {
  const after = nextSig(tokens, i + 1);
  if (isWord(tokens[i], 'diststyle')) {
    if (!isWord(tokens[after], 'auto', 'even', 'all', 'key')) throw syntaxErrorAt(tokens[after]);
    const diststyle = tokens[after]!.text.toUpperCase() as DistStyle;
    if (diststyle === 'KEY') {
      const distkey = nextSig(tokens, after + 1);
      if (!isWord(tokens[distkey], 'distkey')) throw new SqlError('DISTSTYLE KEY requires a DISTKEY column', tokens[after]!.start);
      return alterAttributes(table, { diststyle, distkey: identName(tokens[nextSig(tokens, distkey + 1)]!) });
    }
    return alterAttributes(table, { diststyle });
  }
  if (isWord(tokens[i], 'distkey')) return alterAttributes(table, { diststyle: 'KEY', distkey: identName(tokens[after]!) });
  if (isWord(tokens[i], 'compound', 'sortkey')) {
    const keyword = isWord(tokens[i], 'compound') ? after : i;
    const value = nextSig(tokens, keyword + 1);
    if (isWord(tokens[value], 'auto')) return alterAttributes(table, { sortkeyStyle: 'AUTO', sortkey: [] });
    if (isWord(tokens[value], 'none')) return alterAttributes(table, { sortkeyStyle: 'NONE', sortkey: [] });
    return alterAttributes(table, { sortkeyStyle: 'COMPOUND', sortkey: readColumnList(tokens, value).columns });
  }
  if (isWord(tokens[i], 'encode') && isWord(tokens[after], 'auto')) return alterAttributes(table, { encodeAuto: true });
  return undefined;
}

/** Translates ALTER TABLE; constraint and physical-attribute changes are recorded rather than run. */
export function translateAlterTable(tokens: readonly Token[], ctx: RewriteContext): Translated {
  const alter = nextSig(tokens, 0);
  const kind = nextSig(tokens, alter + 1);
  let i = nextSig(tokens, kind + 1);
  let ifExists = '';
  if (isWord(tokens[i], 'if')) {
    ifExists = 'IF EXISTS ';
    i = nextSig(tokens, nextSig(tokens, i + 1) + 1);
  }
  const qualified = readQualifiedName(tokens, i);
  if (!qualified) throw syntaxErrorAt(tokens[i]);
  const table: RelationName = toRelation(qualified);
  const keyword = tokens[kind]!.text.toUpperCase();
  const head = () => new SqlBuilder().text(`ALTER ${keyword} ${ifExists}${formatName(table)} `, tokens[alter]!.start);
  const action = nextSig(tokens, qualified.end);
  const next = nextSig(tokens, action + 1);
  const rest = (from: number) => head().append(rewriteExpression(tokens, from, tokens.length, ctx));

  if (isWord(tokens[action], 'rename') && isWord(tokens[next], 'to')) {
    const target = nextSig(tokens, next + 1);
    if (!isIdent(tokens[target])) throw syntaxErrorAt(tokens[target]);
    const to = identName(tokens[target]!);
    return { sql: head().text(`RENAME TO ${quoteIdent(to)}`, tokens[action]!.start), effects: ddl(table, { rename: { from: table, to } }) };
  }
  if (isWord(tokens[action], 'add')) {
    let k = next;
    let name: string | undefined;
    if (isWord(tokens[k], 'constraint')) {
      name = identName(tokens[nextSig(tokens, k + 1)]!);
      k = nextSig(tokens, nextSig(tokens, k + 1) + 1);
    }
    const constraint = readTableConstraint(tokens, k, tokens.length, name);
    if (constraint) return alterAttributes(table, { addConstraint: constraint });
    if (isWord(tokens[k], 'column')) k = nextSig(tokens, k + 1);
    const state: ColumnState = { distkeys: [], sortkeys: [], constraints: [], encodings: {} };
    const column = translateColumn(tokens, k, tokens.length, ctx, state);
    if (state.distkeys.length > 0 || state.sortkeys.length > 0) throw new SqlError('cannot add a DISTKEY or SORTKEY column', tokens[k]!.start);
    const encoding = Object.entries(state.encodings)[0];
    const sql = head().text('ADD COLUMN ', tokens[action]!.start).append(column);
    return { sql, effects: ddl(table, encoding ? { alterAttributes: { table, columnEncoding: { column: encoding[0], encoding: encoding[1] } } } : {}) };
  }
  if (isWord(tokens[action], 'drop') && isWord(tokens[next], 'constraint')) {
    return { sql: null, effects: { alterAttributes: { table, dropConstraint: identName(tokens[nextSig(tokens, next + 1)]!) } } };
  }
  if (isWord(tokens[action], 'alter')) {
    const physical = translateAlterPhysical(tokens, next, table);
    if (physical) return physical;
    const columnAt = isWord(tokens[next], 'column') ? nextSig(tokens, next + 1) : next;
    const column = identName(tokens[columnAt]!);
    const verb = nextSig(tokens, columnAt + 1);
    if (isWord(tokens[verb], 'encode')) {
      return alterAttributes(table, { columnEncoding: { column, encoding: checkEncoding(tokens[nextSig(tokens, verb + 1)], column) } });
    }
    if (isWord(tokens[verb], 'type')) {
      const type = mapColumnType(tokens, nextSig(tokens, verb + 1), ctx.strict);
      const sql = head().text(`ALTER COLUMN ${quoteIdent(column)} TYPE ${type.sql}`, tokens[action]!.start);
      return { sql, effects: ddl(table, { notInTransaction: 'ALTER TABLE ALTER COLUMN' }) };
    }
  }
  if (isWord(tokens[action], 'append')) {
    throw new SqlError('ALTER TABLE APPEND is not supported by the Redshift stand-in', tokens[action]!.start);
  }
  return { sql: rest(action), effects: ddl(table) };
}
