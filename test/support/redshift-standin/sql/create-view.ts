import { syntaxErrorAt } from './attribute-syntax.js';
import { relationReferences } from './relation-references.js';
import type { RewriteContext } from './rewrite-context.js';
import { rewriteExpression } from './rewrite-expression.js';
import { SqlBuilder } from './sql-builder.js';
import { SqlError } from './sql-error.js';
import type { RelationName, StatementEffects } from './statement-plan.js';
import type { Token } from './tokenizer.js';
import { formatName, identName, isPunct, isWord, matchParen, nextSig, prevSig, readQualifiedName, toRelation } from './tokens.js';

function trailingNoSchemaBinding(tokens: readonly Token[]): number | undefined {
  const words = ['binding', 'schema', 'no', 'with'];
  let i = tokens.length;
  for (const word of words) {
    i = prevSig(tokens, i - 1);
    if (!isWord(tokens[i], word)) return undefined;
  }
  return i;
}

/** Translates CREATE [OR REPLACE] VIEW; late-binding views (WITH NO SCHEMA BINDING) go to the registry instead. */
export function translateCreateView(tokens: readonly Token[], ctx: RewriteContext): { sql: SqlBuilder | null; effects: StatementEffects } {
  const create = nextSig(tokens, 0);
  let i = nextSig(tokens, create + 1);
  let orReplace = false;
  if (isWord(tokens[i], 'or')) {
    orReplace = true;
    i = nextSig(tokens, nextSig(tokens, i + 1) + 1);
  }
  i = nextSig(tokens, i + 1); // VIEW
  const qualified = readQualifiedName(tokens, i);
  if (!qualified) throw syntaxErrorAt(tokens[i]);
  const view: RelationName = toRelation(qualified);
  let j = nextSig(tokens, qualified.end);
  let columns: string | null = null;
  if (isPunct(tokens[j], '(')) {
    const close = matchParen(tokens, j);
    columns = tokens.slice(j, close + 1).map((t) => (t.kind === 'qident' || t.kind === 'word' ? `"${identName(t)}"` : t.text)).join('');
    j = nextSig(tokens, close + 1);
  }
  if (!isWord(tokens[j], 'as')) throw syntaxErrorAt(tokens[j]);
  const bindingAt = trailingNoSchemaBinding(tokens);
  const queryEnd = bindingAt ?? tokens.length;
  const query = rewriteExpression(tokens, j + 1, queryEnd, ctx);

  if (bindingAt === undefined) {
    const sql = new SqlBuilder()
      .text(`CREATE ${orReplace ? 'OR REPLACE ' : ''}VIEW ${formatName(view)}${columns ? ` ${columns}` : ''} AS`, tokens[create]!.start)
      .append(query);
    return { sql, effects: { relationDdl: { targets: orReplace ? [view] : [], schemas: [] } } };
  }
  if (view.schema === undefined) {
    throw new SqlError('a late binding view must be qualified with a schema name', tokens[qualified.start]!.start);
  }
  for (const reference of relationReferences(tokens.slice(j + 1, queryEnd))) {
    if (reference.schema === undefined) {
      throw new SqlError(
        `All the relations in no schema binding view should be qualified with a schema name: "${reference.name}"`,
        reference.token.start,
      );
    }
  }
  return {
    sql: null,
    effects: {
      relationDdl: { targets: [view], schemas: [] },
      registerLateBindingView: { view, columns, sql: query.toString().trim(), orReplace },
    },
  };
}
