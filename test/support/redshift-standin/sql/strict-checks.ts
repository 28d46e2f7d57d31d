import { SqlError } from './sql-error.js';
import type { Token } from './tokenizer.js';
import { isPunct, isWord, nextSig, prevSig } from './tokens.js';

/** Cast targets PostgreSQL accepts and Redshift has no type for. */
const POSTGRES_ONLY_CASTS = new Set(['json', 'jsonb', 'uuid', 'money', 'xml', 'inet', 'cidr', 'macaddr', 'tsvector', 'tsquery']);

/** Statements whose leading words Redshift refuses outright. */
const UNSUPPORTED_CREATE = new Set(['index', 'unique', 'sequence', 'trigger', 'type', 'extension', 'domain', 'rule', 'tablespace', 'collation', 'policy', 'publication', 'subscription']);

function syntaxError(token: Token): SqlError {
  return new SqlError(`syntax error at or near "${token.text}"`, token.start);
}

function notSupported(what: string, token: Token): SqlError {
  return new SqlError(`${what} is not supported by Amazon Redshift`, token.start);
}

/**
 * Rejects PostgreSQL-only syntax that Redshift refuses (spec §3.8/§3.9), so PostgreSQL's tolerance hides no bug.
 * Catalog queries (information_schema, pg_catalog) contain none of these and pass.
 */
export function checkStrict(tokens: readonly Token[]): void {
  const first = nextSig(tokens, 0);
  if (isWord(tokens[first], 'create')) {
    let kind = nextSig(tokens, first + 1);
    if (isWord(tokens[kind], 'or')) kind = nextSig(tokens, nextSig(tokens, kind + 1) + 1);
    if (isWord(tokens[kind], ...UNSUPPORTED_CREATE)) throw notSupported(`CREATE ${tokens[kind]!.text.toUpperCase()}`, tokens[kind]!);
  }
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i]!;
    const next = tokens[nextSig(tokens, i + 1)];
    if (isPunct(token, '[')) throw syntaxError(token);
    if (token.kind !== 'word' && !(token.kind === 'op' && token.text === '::')) {
      if (isPunct(token, '(') && isWord(next, 'values')) throw notSupported('VALUES used as a table', next!);
      continue;
    }
    if (token.kind === 'op') {
      if (next?.kind === 'word' && POSTGRES_ONLY_CASTS.has(next.text.toLowerCase())) {
        throw new SqlError(`type "${next.text.toLowerCase()}" does not exist`, next.start);
      }
      continue;
    }
    if (isPunct(tokens[prevSig(tokens, i - 1)], '.')) continue;
    const word = token.text.toLowerCase();
    if (word === 'returning' || word === 'lateral' || word === 'tablesample') throw syntaxError(token);
    if (word === 'on' && isWord(next, 'conflict')) throw syntaxError(next!);
    if (word === 'distinct' && isWord(next, 'on')) throw notSupported('SELECT DISTINCT ON', token);
    if (word === 'array' && (isPunct(next, '[') || isPunct(next, '('))) throw notSupported('ARRAY constructors', token);
    if (word === 'filter' && isPunct(next, '(') && isPunct(tokens[prevSig(tokens, i - 1)], ')')) throw notSupported('aggregate FILTER', token);
    if ((word === 'partition' || word === 'inherits') && isTableOption(tokens, i)) {
      throw notSupported(word === 'inherits' ? 'table inheritance' : 'table partitioning', token);
    }
  }
}

/** `PARTITION BY` right after a CREATE TABLE's closing parenthesis (not a window's PARTITION BY). */
function isTableOption(tokens: readonly Token[], i: number): boolean {
  const word = tokens[i]!.text.toLowerCase();
  if (word === 'inherits') return true;
  return isPunct(tokens[prevSig(tokens, i - 1)], ')') && isWord(tokens[nextSig(tokens, i + 1)], 'by') && isWord(tokens[nextSig(tokens, 0)], 'create');
}
