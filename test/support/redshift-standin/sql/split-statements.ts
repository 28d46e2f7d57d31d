import type { Token } from './tokenizer.js';
import { isPunct, isTrivia } from './tokens.js';

/** Top-level statements of a token list (split at `;`), ignoring empty ones. */
export function splitStatements(tokens: readonly Token[]): Token[][] {
  const statements: Token[][] = [];
  let current: Token[] = [];
  for (const token of tokens) {
    if (isPunct(token, ';')) {
      statements.push(current);
      current = [];
    } else {
      current.push(token);
    }
  }
  statements.push(current);
  return statements.filter((statement) => statement.some((token) => !isTrivia(token)));
}
