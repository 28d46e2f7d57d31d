/** A column of a run_query() result: its values by index, as in dbt's agate columns, plus `name` and `values()`. */
export interface QueryColumn {
  readonly [index: number]: unknown;
  readonly length: number;
  readonly name: string;
  /** A copy of the values, as a plain list (agate's values() returns a tuple; an array's would be an iterator). */
  values(): unknown[];
}

/**
 * What run_query() gives a template, shaped like the agate table dbt returns, for the idioms dbt projects use:
 * `results.rows[0][0]`, `results.columns[0].values()`, `results.column_names`.
 */
export interface QueryTable {
  readonly column_names: readonly string[];
  readonly columns: readonly QueryColumn[];
  readonly rows: readonly (readonly unknown[])[];
}

export function queryTable(columnNames: readonly string[], rows: readonly (readonly unknown[])[]): QueryTable {
  const columns = columnNames.map((name, i) => {
    const values = rows.map((row) => row[i]);
    return Object.assign([...values], { name, values: () => [...values] }) as unknown as QueryColumn;
  });
  return { column_names: columnNames, columns, rows };
}

/** run_query() while the project compiles: no warehouse yet (`execute` is false), so no rows. */
export const EMPTY_QUERY_TABLE: QueryTable = queryTable([], []);
