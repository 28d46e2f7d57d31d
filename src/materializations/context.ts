import type { Adapter, Relation, Session } from '../adapters/types.js';
import type { NodeRenderer, RelationName } from '../compile/index.js';
import type { DataVersions } from './data-versions.js';

/** Warehouse relations as read once at the start of a run, updated as the run creates and replaces them. */
export class RelationCache {
  private readonly relations = new Map<string, Relation>();

  constructor(initial: Iterable<Relation> = []) {
    for (const relation of initial) this.set(relation);
  }

  get(name: RelationName): Relation | undefined {
    return this.relations.get(key(name));
  }

  set(relation: Relation): void {
    this.relations.set(key(relation), relation);
  }

  delete(name: RelationName): void {
    this.relations.delete(key(name));
  }

  all(): Relation[] {
    return [...this.relations.values()];
  }
}

function key(name: RelationName): string {
  return `${name.schema}\u0000${name.identifier}`.toLowerCase();
}

export interface MaterializeContext {
  adapter: Adapter;
  session: Session;
  relations: RelationCache;
  renderer: NodeRenderer;
  runId: string;
  /** What the run knows of the data versions of the relations it reads (for `rebuild: on_change` tables). */
  versions: DataVersions;
  fullRefresh: boolean;
  projectRoot: string;
  signal?: AbortSignal;
  /** Every statement sent, in order, for the debug log and for tests. */
  onStatement?: (sql: string) => void;
}

export interface MaterializeResult {
  rowsAffected?: number;
  /** Nothing was written: the relation already held what this build would have made. */
  kept?: true;
  message: string;
  /** Non-fatal notes, e.g. rows a load skipped under max_errors. */
  warnings?: string[];
}
