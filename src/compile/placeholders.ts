/**
 * `ref()`, `source()` and `this` render to placeholder tokens while models render, because a model's final
 * relation name (schema, alias, or an ephemeral CTE) is only known once every model has rendered. One pass of
 * string replacement then resolves them. The tokens use control characters that cannot appear in SQL files.
 */
const MARK = '\u0001';
const TOKEN = /\u0001(\d+)\u0001/g;

export interface RelationPlaceholder {
  readonly uniqueId: string;
  /** The referenced node's name, for templates that inspect it. */
  readonly name: string;
  toString(): string;
}

export class PlaceholderTable {
  private readonly ids: string[] = [];
  private readonly index = new Map<string, number>();

  placeholder(uniqueId: string, name: string): RelationPlaceholder {
    let i = this.index.get(uniqueId);
    if (i === undefined) {
      i = this.ids.length;
      this.ids.push(uniqueId);
      this.index.set(uniqueId, i);
    }
    const token = `${MARK}${i}${MARK}`;
    return { uniqueId, name, identifier: name, toString: () => token } as RelationPlaceholder;
  }

  resolve(sql: string, relationFor: (uniqueId: string) => string): string {
    if (!sql.includes(MARK)) return sql;
    return sql.replace(TOKEN, (_, i: string) => relationFor(this.ids[Number(i)]!));
  }

  /** Unique ids referenced by placeholders in `sql`, in order of first appearance. */
  referencedIn(sql: string): string[] {
    const seen = new Set<string>();
    for (const match of sql.matchAll(TOKEN)) seen.add(this.ids[Number(match[1])]!);
    return [...seen];
  }
}
