import type pg from 'pg';

export type Field =
  | { isNull: true }
  | { longValue: number }
  | { doubleValue: number }
  | { stringValue: string }
  | { booleanValue: boolean }
  | { blobValue: string };

export interface ColumnMetadata {
  name: string;
  label: string;
  typeName: string;
  nullable: number;
  precision: number;
  scale: number;
  isSigned: boolean;
  isCaseSensitive: boolean;
  isCurrency: boolean;
  schemaName: string;
  tableName: string;
  length: number;
}

export interface EncodedResult {
  columns: ColumnMetadata[];
  records: Field[][];
  /** Approximate bytes, for ResultSize and the page budget. */
  size: number;
  recordSizes: number[];
}

const INTEGERS = new Set([20, 21, 23]);
const FLOATS = new Set([700, 701]);
const NUMERIC = 1700;
const BOOL = 16;
const BYTEA = 17;
const CHARACTER = new Set([25, 1042, 1043, 18, 19]);

/** Redshift's names for the PostgreSQL types the stand-in maps to. */
const TYPE_NAMES: Record<number, string> = {
  16: 'bool', 17: 'varbyte', 18: 'char', 19: 'name', 20: 'int8', 21: 'int2', 23: 'int4', 25: 'text', 26: 'oid', 114: 'json',
  700: 'float4', 701: 'float8', 1042: 'bpchar', 1043: 'varchar', 1082: 'date', 1083: 'time', 1114: 'timestamp', 1184: 'timestamptz',
  1266: 'timetz', 1700: 'numeric', 3802: 'super', 705: 'unknown', 2205: 'regclass', 1186: 'interval',
};

const FIXED_PRECISION: Record<number, [number, number]> = {
  16: [1, 0], 20: [19, 0], 21: [5, 0], 23: [10, 0], 700: [8, 8], 701: [17, 17], 1082: [13, 0], 1083: [15, 6], 1114: [29, 6], 1184: [35, 6],
};

export function encodeField(value: unknown, typeOid: number): Field {
  if (value === null || value === undefined) return { isNull: true };
  const text = String(value);
  if (INTEGERS.has(typeOid)) return { longValue: Number(text) };
  if (FLOATS.has(typeOid)) {
    const number = Number(text);
    return Number.isFinite(number) ? { doubleValue: number } : { stringValue: text };
  }
  if (typeOid === BOOL) return { booleanValue: text === 't' || text === 'true' };
  if (typeOid === BYTEA) return { blobValue: Buffer.from(text.replace(/^\\x/, ''), 'hex').toString('base64') };
  return { stringValue: text };
}

interface CatalogRow {
  table_oid: number;
  attnum: number;
  attnotnull: boolean;
  schema_name: string;
  table_name: string;
}

async function readCatalog(client: pg.ClientBase, fields: readonly pg.FieldDef[]): Promise<Map<string, CatalogRow>> {
  const sourced = fields.filter((field) => field.tableID > 0);
  if (sourced.length === 0) return new Map();
  const { rows } = await client.query<CatalogRow>(
    `SELECT a.attrelid::int AS table_oid, a.attnum::int AS attnum, a.attnotnull, n.nspname AS schema_name, c.relname AS table_name
       FROM unnest($1::oid[], $2::int2[]) AS f(rel, num)
       JOIN pg_attribute a ON a.attrelid = f.rel AND a.attnum = f.num
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace`,
    [sourced.map((f) => f.tableID), sourced.map((f) => f.columnID)],
  );
  return new Map(rows.map((row) => [`${row.table_oid}:${row.attnum}`, row]));
}

async function readTypeNames(client: pg.ClientBase, fields: readonly pg.FieldDef[]): Promise<Map<number, string>> {
  const unknown = [...new Set(fields.map((f) => f.dataTypeID).filter((oid) => TYPE_NAMES[oid] === undefined))];
  if (unknown.length === 0) return new Map();
  const { rows } = await client.query<{ oid: number; typname: string }>('SELECT oid::int, typname FROM pg_type WHERE oid = ANY($1::oid[])', [unknown]);
  return new Map(rows.map((row) => [row.oid, row.typname]));
}

function precisionOf(field: pg.FieldDef): [number, number] {
  const modifier = field.dataTypeModifier;
  if (field.dataTypeID === NUMERIC) return modifier >= 4 ? [((modifier - 4) >> 16) & 0xffff, (modifier - 4) & 0xffff] : [38, 0];
  if (field.dataTypeID === 1043 || field.dataTypeID === 1042) return [modifier >= 4 ? modifier - 4 : 65535, 0];
  return FIXED_PRECISION[field.dataTypeID] ?? [0, 0];
}

/** Turns a PostgreSQL result (text values) into Data API records and ColumnMetadata. */
export async function encodeResult(client: pg.ClientBase, fields: readonly pg.FieldDef[], rows: readonly unknown[][]): Promise<EncodedResult> {
  const [catalog, typeNames] = await Promise.all([readCatalog(client, fields), readTypeNames(client, fields)]);
  const columns = fields.map((field): ColumnMetadata => {
    const source = catalog.get(`${field.tableID}:${field.columnID}`);
    const [precision, scale] = precisionOf(field);
    return {
      name: field.name,
      label: field.name,
      typeName: TYPE_NAMES[field.dataTypeID] ?? typeNames.get(field.dataTypeID) ?? 'unknown',
      nullable: source?.attnotnull ? 0 : 1,
      precision,
      scale,
      isSigned: INTEGERS.has(field.dataTypeID) || FLOATS.has(field.dataTypeID) || field.dataTypeID === NUMERIC,
      isCaseSensitive: CHARACTER.has(field.dataTypeID),
      isCurrency: false,
      schemaName: source?.schema_name ?? '',
      tableName: source?.table_name ?? '',
      length: 0,
    };
  });
  const recordSizes: number[] = [];
  const records = rows.map((row) => {
    let size = 0;
    const record = row.map((value, i) => {
      size += value === null || value === undefined ? 1 : String(value).length;
      return encodeField(value, fields[i]!.dataTypeID);
    });
    recordSizes.push(size);
    return record;
  });
  return { columns, records, size: recordSizes.reduce((a, b) => a + b, 0), recordSizes };
}
