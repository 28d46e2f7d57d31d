import type pg from 'pg';

export type ColumnKind =
  | 'int2' | 'int4' | 'int8' | 'numeric' | 'float' | 'bool' | 'varchar' | 'char' | 'text'
  | 'date' | 'timestamp' | 'timestamptz' | 'jsonb' | 'other';

export interface TargetColumn {
  name: string;
  kind: ColumnKind;
  /** format_type(): what values are cast to on insert. */
  typeSql: string;
  /** Short type name as stl_load_errors.type shows it (int4, varchar, …). */
  typeName: string;
  /** VARCHAR/CHAR length, or NUMERIC precision. */
  length: number | undefined;
  scale: number | undefined;
  notNull: boolean;
  hasDefault: boolean;
  identity: boolean;
}

const KINDS: Record<number, ColumnKind> = {
  21: 'int2', 23: 'int4', 20: 'int8', 1700: 'numeric', 700: 'float', 701: 'float', 16: 'bool', 1043: 'varchar', 1042: 'char',
  25: 'text', 1082: 'date', 1114: 'timestamp', 1184: 'timestamptz', 3802: 'jsonb', 114: 'jsonb',
};

interface AttributeRow {
  attname: string;
  atttypid: number;
  atttypmod: number;
  attnotnull: boolean;
  atthasdef: boolean;
  attidentity: string;
  type_sql: string;
  typname: string;
}

/** Reads a table's columns, in order, with what COPY needs to convert values for them. */
export async function readTargetColumns(client: pg.ClientBase, tableOid: number): Promise<TargetColumn[]> {
  const { rows } = await client.query<AttributeRow>(
    `SELECT a.attname, a.atttypid::int, a.atttypmod, a.attnotnull, a.atthasdef, a.attidentity,
            format_type(a.atttypid, a.atttypmod) AS type_sql, t.typname
       FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
      WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [tableOid],
  );
  return rows.map((row) => {
    const kind = KINDS[row.atttypid] ?? 'other';
    const modifier = row.atttypmod >= 4 ? row.atttypmod - 4 : undefined;
    const numeric = kind === 'numeric' && modifier !== undefined;
    return {
      name: row.attname,
      kind,
      typeSql: row.type_sql,
      typeName: row.typname === 'bpchar' ? 'char' : row.typname,
      length: numeric ? (modifier >> 16) & 0xffff : modifier,
      scale: numeric ? modifier & 0xffff : undefined,
      notNull: row.attnotnull,
      hasDefault: row.atthasdef || row.attidentity !== '',
      identity: row.attidentity !== '',
    };
  });
}
