import type { Token } from './tokenizer.js';

interface Piece {
  text: string;
  /** Offset in the original SQL this text stands for. */
  at: number;
}

export interface RenderedSql {
  sql: string;
  /** Maps a 1-based position in `sql` back to a 0-based offset in the original text. */
  originOf(position: number): number;
}

/** Accumulates rewritten SQL while remembering where each piece came from, so errors point at the original. */
export class SqlBuilder {
  private readonly pieces: Piece[] = [];

  token(token: Token): this {
    this.pieces.push({ text: token.text, at: token.start });
    return this;
  }

  text(text: string, at: number): this {
    if (text !== '') this.pieces.push({ text, at });
    return this;
  }

  tokens(tokens: readonly Token[], from: number, to: number): this {
    for (let i = from; i < to; i += 1) this.token(tokens[i]!);
    return this;
  }

  append(other: SqlBuilder): this {
    this.pieces.push(...other.pieces);
    return this;
  }

  toString(): string {
    return this.pieces.map((piece) => piece.text).join('');
  }

  render(): RenderedSql {
    const pieces = [...this.pieces];
    const sql = pieces.map((piece) => piece.text).join('');
    return {
      sql,
      originOf(position: number): number {
        let offset = 0;
        for (const piece of pieces) {
          if (position - 1 < offset + piece.text.length) return piece.at + Math.min(position - 1 - offset, piece.text.length);
          offset += piece.text.length;
        }
        return pieces.at(-1)?.at ?? 0;
      },
    };
  }
}
