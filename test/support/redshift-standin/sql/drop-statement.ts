import { syntaxErrorAt } from './attribute-syntax.js';
import type { RewriteContext } from './rewrite-context.js';
import { rewriteExpression } from './rewrite-expression.js';
import type { SqlBuilder } from './sql-builder.js';
import type { RelationName, StatementEffects } from './statement-plan.js';
import type { Token } from './tokenizer.js';
import { identName, isIdent, isWord, nextSig, readQualifiedName, splitTopLevel, toRelation } from './tokens.js';

/** DROP TABLE / VIEW / SCHEMA: the dropped names drive the late-binding view hooks. */
export function translateDrop(tokens: readonly Token[], ctx: RewriteContext): { sql: SqlBuilder; effects: StatementEffects } {
  const drop = nextSig(tokens, 0);
  const kind = nextSig(tokens, drop + 1);
  let i = nextSig(tokens, kind + 1);
  if (isWord(tokens[i], 'if')) i = nextSig(tokens, nextSig(tokens, i + 1) + 1);
  const sql = rewriteExpression(tokens, 0, tokens.length, ctx);
  const names = splitTopLevel(tokens, i, tokens.length).map(([from, to]) => {
    const start = nextSig(tokens, from, to);
    const name = readQualifiedName(tokens, start);
    if (!name) throw syntaxErrorAt(tokens[start]);
    return name;
  });
  if (isWord(tokens[kind], 'schema')) {
    const schemas = names.map((name) => name.name);
    return { sql, effects: { relationDdl: { targets: [], schemas } } };
  }
  const targets: RelationName[] = names.map(toRelation);
  const effects: StatementEffects = { relationDdl: { targets, schemas: [] } };
  if (isWord(tokens[kind], 'view')) effects.dropViews = targets;
  return { sql, effects };
}

export function isDropOf(tokens: readonly Token[], ...kinds: string[]): boolean {
  const kind = tokens[nextSig(tokens, nextSig(tokens, 0) + 1)];
  return isIdent(kind) && kinds.includes(identName(kind!));
}
