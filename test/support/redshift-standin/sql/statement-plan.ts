import type { CopyCommand } from '../copy/copy-command.js';
import type { RenderedSql } from './sql-builder.js';

export interface RelationName {
  schema?: string;
  name: string;
}

export interface InformationalConstraint {
  type: 'primary key' | 'unique' | 'foreign key';
  name?: string;
  columns: string[];
  references?: { table: RelationName; columns: string[] };
}

export type DistStyle = 'AUTO' | 'EVEN' | 'KEY' | 'ALL';
export type SortKeyStyle = 'AUTO' | 'COMPOUND' | 'INTERLEAVED' | 'NONE';

/** Redshift physical attributes PostgreSQL has no use for, recorded in rs_compat.table_attributes. */
export interface TableAttributes {
  diststyle: DistStyle;
  distkey: string | null;
  sortkeyStyle: SortKeyStyle;
  sortkey: string[];
  encodeAuto: boolean;
  columnEncodings: Record<string, string>;
  backup: boolean;
  constraints: InformationalConstraint[];
}

export interface CreateTableEffect {
  table: RelationName;
  /** CREATE TABLE IF NOT EXISTS: an existing table keeps its recorded attributes. */
  ifNotExists: boolean;
  attributes: TableAttributes;
  /** Set for `CREATE TABLE … (LIKE parent)`: Redshift copies the parent's distribution and sort keys. */
  likeParent?: RelationName;
  explicitDistribution: boolean;
  explicitSortKey: boolean;
}

export interface AlterAttributesEffect {
  table: RelationName;
  diststyle?: DistStyle;
  distkey?: string;
  sortkeyStyle?: SortKeyStyle;
  sortkey?: string[];
  encodeAuto?: boolean;
  columnEncoding?: { column: string; encoding: string };
  addConstraint?: InformationalConstraint;
  dropConstraint?: string;
}

export interface StatementEffects {
  /** DDL on these relations: dependent late-binding views are dropped first and re-created after, in the same transaction. */
  relationDdl?: { targets: RelationName[]; schemas: string[] };
  /** TRUNCATE commits the open transaction in Redshift. */
  truncate?: boolean;
  /** Redshift refuses this statement inside a transaction block (the name is used in the error). */
  notInTransaction?: string;
  createTable?: CreateTableEffect;
  registerLateBindingView?: { view: RelationName; columns: string | null; sql: string; orReplace: boolean };
  dropViews?: RelationName[];
  rename?: { from: RelationName; to: string };
  alterAttributes?: AlterAttributesEffect;
}

export type TranslatedStatement =
  | { kind: 'copy'; copy: CopyCommand }
  | { kind: 'noop'; command: string }
  | { kind: 'transaction'; action: 'begin' | 'commit' | 'rollback'; sql: RenderedSql }
  | { kind: 'sql'; sql: RenderedSql | null; effects: StatementEffects };

export function defaultTableAttributes(): TableAttributes {
  return {
    diststyle: 'AUTO',
    distkey: null,
    sortkeyStyle: 'AUTO',
    sortkey: [],
    encodeAuto: true,
    columnEncodings: {},
    backup: true,
    constraints: [],
  };
}
