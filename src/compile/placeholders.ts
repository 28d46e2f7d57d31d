/**
 * `ref()`, `source()` and `this` render to placeholder tokens while models render, because a model's final
 * relation name (schema, alias, or an ephemeral CTE) is only known once every model has rendered. One pass of
 * string replacement then resolves them. A token carries the node's unique id between two control characters
 * that cannot appear in SQL files, so tokens made in a render worker mean the same in the main thread.
 */
const MARK = '\u0001';
const TOKEN = /\u0001([^\u0001]+)\u0001/g;

export interface RelationPlaceholder {
  readonly uniqueId: string;
  /** The referenced node's name, for templates that inspect it. */
  readonly name: string;
  toString(): string;
}

export class PlaceholderTable {
  private readonly made = new Map<string, RelationPlaceholder>();

  placeholder(uniqueId: string, name: string): RelationPlaceholder {
    const key = `${uniqueId}\u0000${name}`;
    let placeholder = this.made.get(key);
    if (!placeholder) {
      const token = `${MARK}${uniqueId}${MARK}`;
      placeholder = { uniqueId, name, identifier: name, toString: () => token } as RelationPlaceholder;
      this.made.set(key, placeholder);
    }
    return placeholder;
  }

  resolve(sql: string, relationFor: (uniqueId: string) => string): string {
    if (!sql.includes(MARK)) return sql;
    return sql.replace(TOKEN, (_, id: string) => relationFor(id));
  }

  /** Unique ids referenced by placeholders in `sql`, in order of first appearance. */
  referencedIn(sql: string): string[] {
    if (!sql.includes(MARK)) return [];
    const seen = new Set<string>();
    for (const match of sql.matchAll(TOKEN)) seen.add(match[1]!);
    return [...seen];
  }
}
