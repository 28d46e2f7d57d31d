import type { ColumnType, RelationName, SourceLoadSpec, SourceNode } from '../compile/index.js';
import type { EngineName, ModelConfig, TargetConfig } from '../config/index.js';
import type { SqlkitError } from '../errors/index.js';

export type RelationType = 'table' | 'view';

export interface Relation extends RelationName {
  type: RelationType;
}

export interface ColumnDescription {
  name: string;
  /** The engine's own type name. */
  type: string;
}

export interface QueryResult {
  columns: ColumnDescription[];
  /** Values as JavaScript scalars: numbers (or strings when too large), strings, booleans, null, Date-free ISO text. */
  rows: unknown[][];
  /** Rows inserted/updated/deleted, or returned for a query, as the engine reports it. */
  rowCount?: number;
}

export interface ExecuteOptions {
  signal?: AbortSignal;
}

/** One connection: statements sent through it run in order, in one session. */
export interface Session {
  execute(sql: string, options?: ExecuteOptions): Promise<QueryResult>;
  /** All statements in one transaction: every one applies, or none does. */
  executeAtomic(statements: readonly string[], options?: ExecuteOptions): Promise<QueryResult[]>;
}

export interface Driver {
  open(): Promise<void>;
  /**
   * Starts open() where starting it before it is needed has no lasting effect (it creates nothing); open() then
   * waits for it, and reports its failure.
   */
  startOpening?(): void;
  acquire(): Promise<Session>;
  release(session: Session): void;
  /** Stops every statement in flight (Ctrl-C). */
  cancelAll(): Promise<void>;
  close(): Promise<void>;
}

/** What an engine can do; materializations branch on these, never on the engine's name. */
export interface Capabilities {
  /** Views look tables up by name at query time, so swapping a table under a view needs no view rebuild. */
  readonly viewsBindByName: boolean;
  /** CREATE OR REPLACE VIEW replaces a view in one statement whatever its columns. */
  readonly supportsReplaceView: boolean;
  /** Longest identifier the engine keeps whole; temporary names are shortened to fit. */
  readonly maxIdentifierLength: number;
  /** The engine can read the project's local source files itself (no data through JavaScript). */
  readonly loadsLocalFiles: boolean;
}

/** SQL text for each shape of statement sqlkit sends. Engines override only where they differ. */
export interface SqlDialect {
  quoteIdentifier(name: string): string;
  quoteRelation(relation: RelationName): string;
  stringLiteral(value: string): string;
  columnType(type: ColumnType): string;
  createSchema(schema: string): string;
  createTableAs(relation: RelationName, sql: string, config?: ModelConfig): string;
  createTable(relation: RelationName, columns: readonly { name: string; type: ColumnType }[]): string;
  createView(relation: RelationName, sql: string, config?: ModelConfig): string;
  /** Replaces a view in one statement; only used when capabilities.supportsReplaceView. */
  replaceView(relation: RelationName, sql: string, config?: ModelConfig): string;
  renameRelation(relation: RelationName, type: RelationType, newIdentifier: string): string;
  dropRelation(relation: RelationName, type: RelationType): string;
  dropRelationIfExists(relation: RelationName, type: RelationType): string;
  /** The relation an incremental run stages its new rows in (a temporary table where the session allows). */
  stagingRelation(target: RelationName, identifier: string): RelationName;
  createStagingTableAs(relation: RelationName, sql: string, config?: ModelConfig): string;
  /** A statement whose result has the columns a query's would have, and no rows. */
  describeQuery(sql: string): string;
  /** Deletes the target's rows whose key is among the staged rows, narrowed by incremental_predicates. */
  deleteMatching(target: RelationName, staging: RelationName, uniqueKey: readonly string[], predicates?: readonly string[]): string;
  /** Deletes the target's older rows whose key is among the rows an insert just added (AppendPlan.insertedRows). */
  deleteReplaced(target: RelationName, uniqueKey: readonly string[], predicates: readonly string[], insertedRows: InsertedRows): string;
  insertFrom(target: RelationName, staging: RelationName, columns: readonly string[]): string;
  addColumn(target: RelationName, column: ColumnDescription): string;
  /** Statistics refresh after a bulk write, for engines whose planner needs it; undefined when not needed. */
  analyze(relation: RelationName): string | undefined;
  /**
   * A statement that makes concurrent merges into `relation` wait for each other inside their transactions, where
   * the engine would otherwise let two delete+insert merges miss each other's rows; undefined where it does not.
   */
  lockForMerge(relation: RelationName): string | undefined;
  countRows(sql: string): string;
  limit(sql: string, limit: number): string;
}

/** Reads warehouse state: once per run for relations, on demand for columns. */
export interface Introspector {
  listRelations(session: Session, schemas: readonly string[]): Promise<Relation[]>;
  listColumns(session: Session, relation: RelationName): Promise<ColumnDescription[]>;
  /** Views that depend on `relation`, dependencies first, with their definitions; for engines binding views by identity. */
  dependentViews?(session: Session, relation: RelationName): Promise<{ relation: RelationName; sql: string }[]>;
}

/**
 * How runs sharing a warehouse tell live runs from dead ones. Temporary relations carry their run's id; cleanup
 * drops a leftover only when its run is over, never one a concurrent run is still building.
 */
export interface RunRegistry {
  /** Marks the run live until `end()`; called once, before the run creates any relation. */
  begin(runId: string): Promise<void>;
  /** The ids among `runIds` whose run may still be going: their temporary relations must stay. */
  liveRuns(session: Session, runIds: readonly string[]): Promise<Set<string>>;
  /** Marks the run over; never throws. */
  end(): Promise<void>;
}

export interface LoadError {
  file: string;
  line: number;
  column?: string;
  reason: string;
  rawLine: string;
}

/** What identifies a version of a source file: its size and modification time. */
export interface FileStamp {
  /** Project-relative path (absolute for files outside the project). */
  file: string;
  size: number;
  modifiedMs: number;
}

/**
 * What sqlkit_file_listings keeps beside an incremental source's record of loaded files, written in the same
 * transaction as the record: a run whose listing of the source's files has this digest finds the files unchanged
 * without reading the record or comparing a stamp.
 */
export interface FileListingSummary {
  /** The digest of the listing the record was last found to match (SourceListing.digest, with the load options). */
  listing: string;
  /** A digest of the record itself (recordDigest): what versions the source's data for `rebuild: on_change`. */
  files: string;
  /** How many files the record holds. */
  count: number;
}

/** The files an incremental source loaded before: its record's size and summary, and the record on demand. */
export interface LoadedFiles {
  count: number;
  /** Undefined when the warehouse has none, or one that disagrees with the record's row count (an edit by hand). */
  summary: FileListingSummary | undefined;
  /** The record itself, read once, when the files listed now do not match the summary. */
  read(): Promise<RecordedFiles>;
}

/** The record of loaded files, as read from the warehouse. */
export interface RecordedFiles {
  count: number;
  /**
   * One `file<TAB>size<TAB>modified_ms` line per file, in byte order of the names, when no name holds a tab or a
   * newline: a run whose files are all unchanged then compares one text instead of building a map of them.
   */
  lines: string | undefined;
  stamps(): ReadonlyMap<string, FileStamp>;
}

export interface SourceLoadRequest {
  node: SourceNode;
  spec: SourceLoadSpec;
  columns: { name: string; type: ColumnType }[];
  target: RelationName;
  /** Where the table is built before it replaces `target`. */
  staging: RelationName;
  /** Name the old table takes during the swap, before it is dropped. */
  backup: RelationName;
  existing: Relation | undefined;
  /** Table recording rejected rows (file, line, reason, raw text). */
  loadErrors: RelationName;
  projectRoot: string;
  runId: string;
  signal?: AbortSignal;
  /** Adds what the engine needs around the swap statements (e.g. rebuilding views bound to the old table). */
  wrapSwap(swap: string[]): Promise<string[]>;
  /** Incremental sources: the table recording loaded files, and what an earlier load recorded there. */
  incremental?: { loadedFiles: RelationName; listings: RelationName; previous: LoadedFiles | undefined };
}

export interface SourceLoadResult {
  rowsLoaded: number;
  rejected: LoadError[];
  statements: string[];
  /** replace: the table was rebuilt; append: only new files were added; unchanged: there was nothing new. */
  mode: 'replace' | 'append' | 'unchanged';
  /** Files read, when the loader knows (COPY from S3 does not say). */
  files?: number;
  /** Why an incremental source was rebuilt rather than appended to. */
  note?: string;
  /** Incremental local sources: the digest of the record of loaded files as this load left it (recordDigest). */
  recordDigest?: string;
}

export interface ErrorContext {
  /** The statement that failed. */
  sql?: string;
  /** Where the node's own SQL starts inside `sql`, to turn engine positions into compiled-file lines. */
  nodeSqlOffset?: number;
  compiledPath?: string;
  nodePath?: string;
  node?: string;
}

/**
 * How an engine appends rows to a table so that its storage stays compact, where a plain INSERT does not: DuckDB
 * moves a part-filled last row group into the append (duckdb-row-groups.ts).
 */
export interface TableAppends {
  /** The table, in each appended table's schema, recording where that table's storage ends. Created before a run. */
  readonly recordTable: string;
  createRecordTable(dialect: SqlDialect, relation: RelationName): string;
  plan(session: Session, target: RelationName, options: AppendOptions): Promise<AppendPlan>;
  /** Statements recording the storage of a table just built whole, run once it is committed. */
  recordBuilt(session: Session, target: RelationName): Promise<string[]>;
}

/** See AppendPlan.insertedRows. */
export interface InsertedRows {
  /** A query of the rows the insert added, and of no other (with their columns, and maybe more). */
  added: string;
  /**
   * Holds for the table's rows that were there before the insert and stay after it: the ones a delete may find
   * replaced. `added` names the added rows' relation, for the row of theirs being compared.
   */
  older(table: string, added: string): string;
}

export interface AppendOptions {
  /** Keeps the append's temporary names apart from other appends'. */
  suffix: string;
  /** How many rows the append adds, where known before it runs. */
  newRows?: number;
  signal?: AbortSignal;
}

/** One append, as statements of the append's transaction: `insert(...)`, then `after`. */
export interface AppendPlan {
  /**
   * Inserts the rows a query selects, by column name (target columns it lacks are null). Columns named in
   * `orderBy` order the rows and are not inserted.
   */
  insert(rows: string, orderBy?: readonly string[]): string;
  after: string[];
  /** How many of the rows inserted were already in the table (moved, not new), from the results of `after`. */
  movedRows(afterResults: readonly QueryResult[]): number;
  /**
   * Inside the append's transaction, after the insert and before `after`: the rows the insert added, and a
   * condition that tells the older rows a delete of replaced rows may remove. Absent where the table has an index
   * (a unique key would refuse a new row while the row it replaces is still there).
   */
  insertedRows?: InsertedRows;
  /** Session settings the insert needs, set before the transaction and reset after it. */
  orderedSession?: { enter: string; leave: string };
  /** The same append once the number of rows it adds is known (the table is not read again). */
  forRows(newRows: number): AppendPlan;
  /** One past the table's last row id: the rows it holds, deleted ones not yet compacted away included. */
  rowIdEnd: number;
}

export interface Adapter {
  readonly engine: EngineName;
  readonly target: TargetConfig;
  readonly dialect: SqlDialect;
  readonly capabilities: Capabilities;
  readonly introspector: Introspector;
  readonly driver: Driver;
  readonly runs: RunRegistry;
  /** Loads a source table and swaps it in atomically; rejected rows are returned and recorded. */
  loadSource(session: Session, request: SourceLoadRequest): Promise<SourceLoadResult>;
  /** Present where appends need more than an INSERT to keep the table's storage compact. */
  readonly appends?: TableAppends;
  /** Turns an engine error into a SqlkitError that names the node, its files and, where known, the line. */
  translateError(error: unknown, context: ErrorContext): SqlkitError;
  /** One line describing the connection (no secrets), for `sqlkit debug`. */
  describe(): string;
}

const STATEMENT_INDEX = Symbol.for('sqlkit.failedStatementIndex');

/** Marks which statement of an atomic group failed, so the error can point at the right SQL. */
export function markFailedStatement(error: unknown, index: number): unknown {
  if (error && typeof error === 'object' && !(STATEMENT_INDEX in error)) {
    Object.defineProperty(error, STATEMENT_INDEX, { value: index });
  }
  return error;
}

export function failedStatementIndex(error: unknown): number | undefined {
  return error && typeof error === 'object' ? (error as Record<symbol, number>)[STATEMENT_INDEX] : undefined;
}
