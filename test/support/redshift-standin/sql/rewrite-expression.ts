import { rewriteFunctionCall } from './function-rewrites.js';
import { parameterPosition } from './rewrite-context.js';
import type { RewriteContext } from './rewrite-context.js';
import { SqlBuilder } from './sql-builder.js';
import { SqlError } from './sql-error.js';
import type { Token } from './tokenizer.js';
import { identName, isPunct, isWord, matchParen, nextSig, prevSig, quoteIdent } from './tokens.js';

/** Redshift type names after `::` that PostgreSQL spells differently. */
function castType(tokens: readonly Token[], i: number): { text: string; next: number } | undefined {
  const token = tokens[i];
  if (token?.kind !== 'word') return undefined;
  const word = token.text.toLowerCase();
  if (word === 'varbyte' || word === 'varbinary') {
    const open = nextSig(tokens, i + 1);
    return { text: 'bytea', next: isPunct(tokens[open], '(') ? matchParen(tokens, open) + 1 : i + 1 };
  }
  if (word === 'super') return { text: 'jsonb', next: i + 1 };
  if (word === 'varchar' || word === 'nvarchar') {
    const open = nextSig(tokens, i + 1);
    const arg = nextSig(tokens, open + 1);
    const close = nextSig(tokens, arg + 1);
    if (isPunct(tokens[open], '(') && isWord(tokens[arg], 'max') && isPunct(tokens[close], ')')) return { text: 'varchar(65535)', next: close + 1 };
    if (word === 'nvarchar') return { text: 'varchar', next: i + 1 };
  }
  return undefined;
}

/** Redshift system relations emulated in rs_compat, qualified so a changed search_path still finds them. */
const COMPAT_RELATIONS = new Set(['pg_table_def', 'svv_table_info', 'stl_load_errors']);

function topClause(tokens: readonly Token[], select: number): { skip: number[]; limit: string } | undefined {
  let i = nextSig(tokens, select + 1);
  if (isWord(tokens[i], 'distinct', 'all')) i = nextSig(tokens, i + 1);
  const count = nextSig(tokens, i + 1);
  if (!isWord(tokens[i], 'top') || tokens[count]?.kind !== 'number') return undefined;
  const end = nextSig(tokens, count + 1);
  return { skip: Array.from({ length: end - i }, (_, k) => i + k), limit: tokens[count]!.text };
}

/**
 * Rewrites tokens[from, to) from Redshift to PostgreSQL: identifiers folded to lowercase (Redshift folds even
 * quoted ones), `#temp` names quoted, Data API `:name` parameters to `$n`, compat functions, TOP n, SYSDATE and
 * APPROXIMATE COUNT.
 */
export function rewriteExpression(tokens: readonly Token[], from: number, to: number, ctx: RewriteContext): SqlBuilder {
  const out = new SqlBuilder();
  const pendingLimits = new Map<number, { limit: string; at: number }>();
  const skip = new Set<number>();
  let depth = 0;
  const rewrite = (a: number, b: number) => rewriteExpression(tokens, a, b, ctx);

  for (let i = from; i < to; i += 1) {
    const token = tokens[i]!;
    if (skip.has(i)) continue;
    if (token.kind === 'qident') {
      out.text(quoteIdent(identName(token)), token.start);
    } else if (token.kind === 'param') {
      const name = token.text.slice(1);
      const position = parameterPosition(ctx, name);
      if (position === undefined) throw new SqlError(`no value given for parameter :${name}`, token.start);
      out.text(`$${position}`, token.start);
    } else if (token.kind === 'word' && token.text.startsWith('#')) {
      out.text(quoteIdent(token.text.toLowerCase()), token.start);
    } else if (token.kind === 'word') {
      const lower = token.text.toLowerCase();
      const qualified = isPunct(tokens[prevSig(tokens, i - 1)], '.');
      const open = nextSig(tokens, i + 1, to);
      if (!qualified && isPunct(tokens[open], '(')) {
        const call = rewriteFunctionCall(tokens, i, open, rewrite);
        if (call) {
          out.append(call.out);
          i = call.next - 1;
          continue;
        }
      }
      if (!qualified && COMPAT_RELATIONS.has(lower) && !isPunct(tokens[open], '(')) {
        out.text(`rs_compat.${lower}`, token.start);
      } else if (!qualified && lower === 'sysdate' && !isPunct(tokens[open], '(')) {
        out.text('localtimestamp', token.start);
      } else if (lower === 'approximate' && isWord(tokens[open], 'count')) {
        out.text('', token.start);
      } else {
        if (lower === 'select') {
          const top = topClause(tokens, i);
          if (top) {
            top.skip.forEach((j) => skip.add(j));
            pendingLimits.set(depth, { limit: top.limit, at: token.start });
          }
        }
        out.token(token);
      }
    } else if (token.kind === 'op' && token.text === '::') {
      out.token(token);
      const typeAt = nextSig(tokens, i + 1, to);
      const cast = castType(tokens, typeAt);
      if (cast) {
        out.tokens(tokens, i + 1, typeAt).text(cast.text, tokens[typeAt]!.start);
        i = cast.next - 1;
      }
    } else if (isPunct(token, '(')) {
      depth += 1;
      out.token(token);
    } else if (isPunct(token, ')')) {
      const pending = pendingLimits.get(depth);
      if (pending) {
        out.text(` LIMIT ${pending.limit}`, pending.at);
        pendingLimits.delete(depth);
      }
      depth -= 1;
      out.token(token);
    } else {
      out.token(token);
    }
  }
  const pending = pendingLimits.get(0);
  if (pending) out.text(` LIMIT ${pending.limit}`, pending.at);
  return out;
}
