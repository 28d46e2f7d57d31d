import { rewriteFunctionCall } from './function-rewrites.js';
import { parameterPosition } from './rewrite-context.js';
import type { RewriteContext } from './rewrite-context.js';
import { SqlBuilder } from './sql-builder.js';
import { SqlError } from './sql-error.js';
import type { Token } from './tokenizer.js';
import { identName, isPunct, isWord, nextSig, prevSig, quoteIdent } from './tokens.js';

function topClause(tokens: readonly Token[], select: number): { skip: number[]; limit: string } | undefined {
  let i = nextSig(tokens, select + 1);
  if (isWord(tokens[i], 'distinct', 'all')) i = nextSig(tokens, i + 1);
  const count = nextSig(tokens, i + 1);
  if (!isWord(tokens[i], 'top') || tokens[count]?.kind !== 'number') return undefined;
  return { skip: [i, count], limit: tokens[count]!.text };
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
      if (!qualified && lower === 'sysdate' && !isPunct(tokens[open], '(')) {
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
