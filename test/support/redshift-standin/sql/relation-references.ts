import type { Token } from './tokenizer.js';
import { identName, isIdent, isPunct, isWord, matchParen, nextSig, readQualifiedName } from './tokens.js';

const CLAUSE_WORDS = new Set([
  'where', 'group', 'having', 'order', 'limit', 'offset', 'union', 'intersect', 'except', 'minus', 'on', 'using', 'join', 'inner',
  'left', 'right', 'full', 'cross', 'natural', 'outer', 'window', 'qualify', 'with',
]);

export interface RelationReference {
  schema?: string;
  name: string;
  token: Token;
}

/** Names defined by WITH clauses anywhere in the query: `name [(cols)] AS (`. */
function cteNames(tokens: readonly Token[]): Set<string> {
  const names = new Set<string>();
  for (let i = 0; i < tokens.length; i += 1) {
    if (!isIdent(tokens[i])) continue;
    let j = nextSig(tokens, i + 1);
    if (isPunct(tokens[j], '(')) j = nextSig(tokens, matchParen(tokens, j) + 1);
    if (isWord(tokens[j], 'as') && isPunct(tokens[nextSig(tokens, j + 1)], '(')) names.add(identName(tokens[i]!));
  }
  return names;
}

/** Skips an optional alias after a FROM item. */
function skipAlias(tokens: readonly Token[], i: number): number {
  let j = nextSig(tokens, i);
  if (isWord(tokens[j], 'as')) j = nextSig(tokens, j + 1);
  const token = tokens[j];
  if (isIdent(token) && !(token!.kind === 'word' && CLAUSE_WORDS.has(token!.text.toLowerCase()))) {
    j = nextSig(tokens, j + 1);
    if (isPunct(tokens[j], '(')) j = nextSig(tokens, matchParen(tokens, j) + 1);
  }
  return j;
}

/** Relations a query reads (after FROM, JOIN and FROM-list commas), excluding CTE names and subqueries. */
export function relationReferences(tokens: readonly Token[]): RelationReference[] {
  const ctes = cteNames(tokens);
  const found: RelationReference[] = [];
  const readItem = (i: number): number => {
    const token = tokens[i];
    if (isPunct(token, '(')) return skipAlias(tokens, matchParen(tokens, i) + 1);
    const name = readQualifiedName(tokens, i);
    if (!name) return i;
    const after = nextSig(tokens, name.end);
    if (isPunct(tokens[after], '(')) return skipAlias(tokens, matchParen(tokens, after) + 1); // table function
    if (name.schema !== undefined || !ctes.has(name.name)) {
      found.push({ ...(name.schema === undefined ? {} : { schema: name.schema }), name: name.name, token: token! });
    }
    return skipAlias(tokens, name.end);
  };
  for (let i = 0; i < tokens.length; i += 1) {
    if (!isWord(tokens[i], 'from', 'join')) continue;
    let j = readItem(nextSig(tokens, i + 1));
    while (isWord(tokens[i], 'from') && isPunct(tokens[j], ',')) j = readItem(nextSig(tokens, j + 1));
  }
  return found;
}
