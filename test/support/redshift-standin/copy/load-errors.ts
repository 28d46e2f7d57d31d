import type pg from 'pg';

/** One row of rs_compat.stl_load_errors (Redshift's column names and widths). */
export interface LoadErrorRow {
  userid: number;
  slice: number;
  tbl: number;
  starttime: string;
  session: number;
  query: number;
  filename: string;
  line_number: number;
  colname: string;
  type: string;
  col_length: string;
  position: number;
  raw_line: string;
  raw_field_value: string;
  err_code: number;
  err_reason: string;
}

const clip = (text: string, max: number) => (text.length > max ? text.slice(0, max) : text);

/**
 * Writes load errors through the given connection, which must be outside the COPY's transaction: Redshift keeps
 * stl_load_errors rows even when the load fails and rolls back.
 */
export async function writeLoadErrors(client: pg.ClientBase, rows: readonly LoadErrorRow[]): Promise<void> {
  if (rows.length === 0) return;
  const clipped = rows.map((row) => ({
    ...row,
    filename: clip(row.filename, 256),
    colname: clip(row.colname, 127),
    type: clip(row.type, 10),
    col_length: clip(row.col_length, 10),
    raw_line: clip(row.raw_line, 1024),
    raw_field_value: clip(row.raw_field_value, 1024),
    err_reason: clip(row.err_reason, 100),
  }));
  await client.query(
    'INSERT INTO rs_compat.stl_load_errors SELECT * FROM json_populate_recordset(NULL::rs_compat.stl_load_errors, $1::json)',
    [JSON.stringify(clipped)],
  );
}
