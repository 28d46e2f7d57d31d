import type { RelationName } from '../../compile/index.js';
import type { AppendOptions, AppendPlan, InsertedRows, QueryResult, Session, SqlDialect, TableAppends } from '../types.js';

/**
 * Appends that leave a DuckDB table's row groups full.
 *
 * DuckDB stores a table in row groups of 122,880 rows, and an append starts new groups after the last one. When
 * the last group was part-filled, the table then holds two part-filled groups a few groups apart, and DuckDB's
 * checkpoint can merge them by rewriting both and the full groups between (RowGroupCollection::ScheduleVacuumTasks):
 * for one day of plays after 10M events, 0.35 s at close, about what the append itself costs. So the rows of the
 * part-filled groups at the end of the table (its tail, most often one group) move into the append, when DuckDB
 * would merge them otherwise: deleted, and written again ahead of the new rows, in one ordered stream that fills
 * each group but the last (see movesTail for when).
 *
 * Where the tail starts is recorded beside the table after each write, because DuckDB answers that question only
 * by reading the storage metadata of every column (0.1 to 0.2 s for a table of 10M rows). The record holds where
 * the table ends too, and a table that ends elsewhere (written by something else, or compacted by DuckDB) has its
 * groups read again.
 */
export const ROW_GROUP_ROWS = 122_880;
export const ROW_GROUPS_TABLE = 'sqlkit_row_groups';

/** The part-filled row groups at the end of a table. */
export interface Tail {
  /** Row id of their first row. */
  start: number;
  /** One past the table's last row id. */
  end: number;
  /** Their rows, deleted ones aside. */
  rows: number;
}

/** The record of where appended tables' storage ends, beside `target`. */
function recordOf(target: RelationName): RelationName {
  return { schema: target.schema, identifier: ROW_GROUPS_TABLE };
}

export function createRowGroupsTable(dialect: SqlDialect, relation: RelationName): string {
  return `create table if not exists ${dialect.quoteRelation(relation)} (
  table_name varchar(256),
  tail_start bigint,
  row_end bigint
)`;
}

/**
 * Whether an append of `newRows` (undefined: not known beforehand, taken as large) moves the tail's rows: when the
 * tail is under half a group, the two together fill a group, and DuckDB could merge the tail with the groups the
 * append writes after it (its full groups, then the rest). A smaller append is left to DuckDB, which merges groups
 * at the end of a table only into groups at least twice their size (so a row is rewritten a few times at most),
 * and moving rows would write them to its log as well; a tail at least half full is not merged with the full
 * groups an append puts after it. Nor is a smaller one that the append's last group cannot join: one day of events
 * after 10M (333,334 rows after a tail of 49,484) keeps its tail, and the run saves the 0.2 s of moving it.
 *
 * A model's new rows are not counted before they go in: then the tail moves, unless it is the whole table. Moving
 * would write every row of a small table again on each run (the 10,000 users and their WAL), while DuckDB adds a
 * small append to its one group, and merges at most that group with what a large one writes.
 */
export function movesTail(tail: Tail, newRows: number | undefined): boolean {
  if (tail.rows === 0 || tail.rows >= ROW_GROUP_ROWS / 2) return false;
  if (newRows === undefined) return tail.start > 0;
  return tail.rows + newRows >= ROW_GROUP_ROWS && mayMerge([tail.rows, ...packedGroups(newRows)]);
}

/** The row groups `rows` rows written in order fill: full ones, then the rest. */
function packedGroups(rows: number): number[] {
  const groups = new Array<number>(Math.floor(rows / ROW_GROUP_ROWS)).fill(ROW_GROUP_ROWS);
  return rows % ROW_GROUP_ROWS ? [...groups, rows % ROW_GROUP_ROWS] : groups;
}

/** Where the tail of part-filled groups starts in a table whose groups hold `sizes` rows. */
export function tailStart(sizes: readonly number[]): number {
  let last = sizes.length;
  while (last > 0 && sizes[last - 1]! < ROW_GROUP_ROWS) last--;
  return sizes.slice(0, last).reduce((sum, size) => sum + size, 0);
}

/**
 * Whether DuckDB's checkpoint could merge some of these groups: some run of up to four consecutive groups fits in
 * one group fewer. (DuckDB is more sparing at the end of a table; this errs towards reading the groups again.)
 */
export function mayMerge(sizes: readonly number[]): boolean {
  for (let first = 0; first < sizes.length; first++) {
    let rows = 0;
    for (let count = 1; count <= 4 && first + count <= sizes.length; count++) {
      rows += sizes[first + count - 1]!;
      if (count > 1 && rows <= (count - 1) * ROW_GROUP_ROWS) return true;
    }
  }
  return false;
}

export function duckdbTableAppends(dialect: SqlDialect): TableAppends {
  return {
    recordTable: ROW_GROUPS_TABLE,
    createRecordTable: createRowGroupsTable,
    plan: (session, target, options) => planAppend(dialect, session, target, options),
    recordBuilt: async (session, target) => {
      const { tail, sizes } = await readGroups(dialect, session, target);
      return mayMerge(sizes) ? forgetStatements(dialect, target) : recordStatements(dialect, target, tail);
    },
  };
}

async function planAppend(dialect: SqlDialect, session: Session, target: RelationName, options: AppendOptions): Promise<AppendPlan> {
  const { tail, indexed } = await readTail(dialect, session, target, options.signal);
  return appendPlan(dialect, target, options, tail, indexed);
}

/**
 * The append, for the table's tail and whether it has an index. DuckDB never merges the row groups of a table with
 * an index, and rows moved under a key could collide; a unique key is checked as each row is inserted, so new rows
 * can go in ahead of the delete of the rows they replace (insertedRows) only where there is no index.
 *
 * A moved tail is read by the insert itself, ahead of the new rows, and its old rows are deleted after it: so the
 * query of the new rows still sees the whole table, and nothing is copied aside first.
 */
function appendPlan(dialect: SqlDialect, target: RelationName, options: AppendOptions, tail: Tail, indexed: boolean): AppendPlan {
  const table = dialect.quoteRelation(target);
  const moves = movesTail(tail, options.newRows) && !indexed;
  // Fewer rows than a group are appended by DuckDB one after another at commit, in whatever order they come.
  const ordered = moves || options.newRows === undefined || options.newRows >= ROW_GROUP_ROWS;
  const part = 'sqlkit_part';
  return {
    insert: (rows, orderBy = []) => {
      if (!ordered) return `insert into ${table} by name\n${orderBy.length ? `select * exclude (${orderBy.join(', ')}) from (${rows})` : rows}`;
      const order = [part, ...orderBy];
      const movedPart = moves
        ? `-- sqlkit: the rows of the table's part-filled last row groups, written again ahead of the new rows to keep groups full
  select *, 0 as ${part} from ${table} as sqlkit_tail where ${inOldTail('sqlkit_tail', tail)}
  union all by name
  `
        : '';
      return `insert into ${table} by name
select * exclude (${order.join(', ')}) from (
  ${movedPart}select *, 1 as ${part} from (${rows})
) order by ${order.join(', ')}`;
    },
    after: [...(moves ? [`delete from ${table} where ${inOldTail(table, tail)}`] : []), ...recordAfterAppend(dialect, target, tail, moves)],
    movedRows: (results: readonly QueryResult[]) => (moves ? (results[0]?.rowCount ?? 0) : 0),
    ...(indexed ? {} : { insertedRows: insertedRows(table, tail, moves) }),
    ...(ordered ? { orderedSession: { enter: 'set session preserve_insertion_order = true', leave: 'reset session preserve_insertion_order' } } : {}),
    forRows: (newRows) => appendPlan(dialect, target, { ...options, newRows }, tail, indexed),
    rowIdEnd: tail.end,
  };
}

/**
 * Rows a transaction inserts have row ids past every committed row's until it commits, numbered in the order they
 * were written. Where the tail moved, its rows come first: the added rows are those past as many of the inserted
 * rows as the old tail still holds. That first added row id is worked out once, in a one-row subquery joined to the
 * inserted rows: as a bound of the scan itself, a value that is not a constant would make DuckDB read the whole
 * table. The old tail's rows are deleted after, so a delete of replaced rows leaves them to that delete and takes a
 * moved row's new copy instead.
 */
function insertedRows(table: string, tail: Tail, moved: boolean): InsertedRows {
  if (!moved) return { added: `select * from ${table} where ${table}.rowid >= ${tail.end}`, older: (q) => `${q}.rowid < ${tail.end}` };
  const firstInserted = `(select min(sqlkit_t.rowid) from ${table} as sqlkit_t where sqlkit_t.rowid >= ${tail.end})`;
  const movedCount = `(select count(*) from ${table} as sqlkit_t where ${inOldTail('sqlkit_t', tail)})`;
  return {
    added: `select sqlkit_added.*, sqlkit_first_added from ${table} as sqlkit_added, (select ${firstInserted} + ${movedCount} as sqlkit_first_added) as sqlkit_first
  where sqlkit_added.rowid >= ${tail.end} and sqlkit_added.rowid >= sqlkit_first_added`,
    older: (q, added) => `${q}.rowid < ${added}.sqlkit_first_added and not (${inOldTail(q, tail)})`,
  };
}

/** The committed rows of the tail (the rows a transaction inserts have row ids past its end). */
function inOldTail(qualifier: string, tail: Tail): string {
  return `${qualifier}.rowid >= ${tail.start} and ${qualifier}.rowid < ${tail.end}`;
}

/**
 * The table's tail as recorded, if the record still matches the table (read from DuckDB's storage otherwise), and
 * whether the table has an index: both from one query, as each statement before an append delays it.
 */
async function readTail(dialect: SqlDialect, session: Session, target: RelationName, signal?: AbortSignal): Promise<{ tail: Tail; indexed: boolean }> {
  const options = signal ? { signal } : {};
  const record = dialect.quoteRelation(recordOf(target));
  const where = `database_name = current_database() and schema_name = ${dialect.stringLiteral(target.schema)} and table_name = ${dialect.stringLiteral(target.identifier)}`;
  const recordWhere = `from ${record} where table_name = ${dialect.stringLiteral(target.identifier)}`;
  const recorded = await session.execute(
    `select (select count(*) from duckdb_indexes() where ${where}) + (select count(*) from duckdb_constraints() where ${where} and constraint_type in ('PRIMARY KEY', 'UNIQUE')),
  (select count(*) ${recordWhere}), (select max(tail_start) ${recordWhere}), (select max(row_end) ${recordWhere})`,
    options,
  );
  const [indexes, records, start, end] = (recorded.rows[0] ?? [0, 0, null, null]).map(Number) as [number, number, number, number];
  const indexed = indexes > 0;
  if (records === 1) {
    // Only rows from the recorded start on are read: a table that grew or shrank since ends elsewhere, and one
    // that DuckDB compacted has its rows at lower row ids.
    const found = await session.execute(`select max(rowid) + 1, count(*) from ${dialect.quoteRelation(target)} where rowid >= ${start}`, options);
    const [foundEnd, rows] = found.rows[0] ?? [];
    if (Number(foundEnd ?? start) === end && end >= start) return { tail: { start, end, rows: Number(rows) }, indexed };
  }
  return { tail: (await readGroups(dialect, session, target)).tail, indexed };
}

/** The tail as DuckDB's storage describes it: each group holds as many rows as column 0's validity covers. */
async function readGroups(dialect: SqlDialect, session: Session, target: RelationName): Promise<{ tail: Tail; sizes: number[] }> {
  const groups = await session.execute(
    `select row_group_id, sum(count) from pragma_storage_info(${dialect.stringLiteral(`${target.schema}.${target.identifier}`)})
where column_id = 0 and column_path = '[0, 0]' group by row_group_id order by row_group_id`,
  );
  const sizes = groups.rows.map((row) => Number(row[1]));
  const start = tailStart(sizes);
  const live = await session.execute(`select count(*) from ${dialect.quoteRelation(target)} where rowid >= ${start}`);
  return { tail: { start, end: sizes.reduce((sum, size) => sum + size, 0), rows: Number(live.rows[0]?.[0] ?? 0) }, sizes };
}

function forgetStatements(dialect: SqlDialect, target: RelationName): string[] {
  return [`delete from ${dialect.quoteRelation(recordOf(target))} where table_name = ${dialect.stringLiteral(target.identifier)}`];
}

function recordStatements(dialect: SqlDialect, target: RelationName, tail: { start: number; end: number }): string[] {
  const record = dialect.quoteRelation(recordOf(target));
  const name = dialect.stringLiteral(target.identifier);
  return [...forgetStatements(dialect, target), `insert into ${record} (table_name, tail_start, row_end) values (${name}, ${tail.start}, ${tail.end})`];
}

/**
 * The record after an append, counted inside its transaction (where moved rows are deleted, and the rows written
 * carry row ids past every committed one until DuckDB's checkpoint drops the emptied groups and numbers them on):
 * the rows written from `base` (the moved tail's start, or the old end) fill groups in order, so the tail is
 * their last group, or, when they fill none, still starts where it did.
 */
function recordAfterAppend(dialect: SqlDialect, target: RelationName, tail: Tail, moved: boolean): string[] {
  const record = dialect.quoteRelation(recordOf(target));
  const base = moved ? tail.start : tail.end;
  return [
    ...forgetStatements(dialect, target),
    `insert into ${record} (table_name, tail_start, row_end)
select ${dialect.stringLiteral(target.identifier)}, case when n >= ${ROW_GROUP_ROWS} then ${base} + n // ${ROW_GROUP_ROWS} * ${ROW_GROUP_ROWS} else ${tail.start} end, ${base} + n
from (select count(*) as n from ${dialect.quoteRelation(target)} where rowid >= ${base})`,
  ];
}
