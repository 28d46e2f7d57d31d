import type pg from 'pg';
import { SqlError } from '../sql/sql-error.js';
import type { AlterAttributesEffect, CreateTableEffect, RelationName, TableAttributes } from '../sql/statement-plan.js';
import { defaultTableAttributes } from '../sql/statement-plan.js';
import { formatName } from '../sql/tokens.js';

interface AttributeRow {
  diststyle: TableAttributes['diststyle'];
  distkey: string | null;
  sortkey_style: TableAttributes['sortkeyStyle'];
  sortkey: string[];
  encode_auto: boolean;
  column_encodings: Record<string, string>;
  backup: boolean;
  constraints: TableAttributes['constraints'];
}

function fromRow(row: AttributeRow): TableAttributes {
  return {
    diststyle: row.diststyle,
    distkey: row.distkey,
    sortkeyStyle: row.sortkey_style,
    sortkey: row.sortkey,
    encodeAuto: row.encode_auto,
    columnEncodings: row.column_encodings,
    backup: row.backup,
    constraints: row.constraints,
  };
}

async function tableOid(client: pg.ClientBase, table: RelationName): Promise<number> {
  const { rows } = await client.query<{ oid: number | null }>('SELECT to_regclass($1)::oid::int AS oid', [formatName(table)]);
  const oid = rows[0]?.oid;
  if (oid === null || oid === undefined) throw new SqlError(`relation "${table.name}" does not exist`);
  return oid;
}

async function columnNames(client: pg.ClientBase, oid: number): Promise<Set<string>> {
  const { rows } = await client.query<{ attname: string }>('SELECT attname FROM pg_attribute WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped', [oid]);
  return new Set(rows.map((row) => row.attname));
}

function checkColumns(attributes: TableAttributes, columns: Set<string>): void {
  const missing = (name: string, what: string) => {
    if (!columns.has(name)) throw new SqlError(`column "${name}" named in ${what} does not exist`);
  };
  if (attributes.distkey !== null) missing(attributes.distkey, 'DISTKEY');
  attributes.sortkey.forEach((name) => missing(name, 'SORTKEY'));
  attributes.constraints.forEach((constraint) => constraint.columns.forEach((name) => missing(name, `${constraint.type.toUpperCase()} constraint`)));
  Object.keys(attributes.columnEncodings).forEach((name) => missing(name, 'ENCODE'));
}

async function readByOid(client: pg.ClientBase, oid: number): Promise<TableAttributes | undefined> {
  const { rows } = await client.query<AttributeRow>('SELECT * FROM rs_compat.table_attributes WHERE table_oid = $1', [oid]);
  return rows[0] ? fromRow(rows[0]) : undefined;
}

async function write(client: pg.ClientBase, oid: number, attributes: TableAttributes): Promise<void> {
  await client.query(
    `INSERT INTO rs_compat.table_attributes (table_oid, diststyle, distkey, sortkey_style, sortkey, encode_auto, column_encodings, backup, constraints)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (table_oid) DO UPDATE SET diststyle = EXCLUDED.diststyle, distkey = EXCLUDED.distkey, sortkey_style = EXCLUDED.sortkey_style,
       sortkey = EXCLUDED.sortkey, encode_auto = EXCLUDED.encode_auto, column_encodings = EXCLUDED.column_encodings,
       backup = EXCLUDED.backup, constraints = EXCLUDED.constraints`,
    [
      oid, attributes.diststyle, attributes.distkey, attributes.sortkeyStyle, attributes.sortkey, attributes.encodeAuto,
      JSON.stringify(attributes.columnEncodings), attributes.backup, JSON.stringify(attributes.constraints),
    ],
  );
}

/** After CREATE TABLE: checks the named columns exist (CTAS columns are only known now) and records the attributes by OID. */
export async function recordCreatedTable(client: pg.ClientBase, effect: CreateTableEffect): Promise<void> {
  const oid = await tableOid(client, effect.table);
  let attributes = effect.attributes;
  if (effect.likeParent) {
    const parent = await readByOid(client, await tableOid(client, effect.likeParent));
    if (parent && !effect.explicitDistribution) attributes = { ...attributes, diststyle: parent.diststyle, distkey: parent.distkey };
    if (parent && !effect.explicitSortKey) attributes = { ...attributes, sortkeyStyle: parent.sortkeyStyle, sortkey: parent.sortkey };
  }
  checkColumns(attributes, await columnNames(client, oid));
  // OIDs of dropped tables can be reused; forget rows whose table is gone. Rows another transaction is deleting are
  // skipped: waiting for them deadlocks concurrent DDL (it may hold a lock on a table this transaction reads).
  await client.query(
    'DELETE FROM rs_compat.table_attributes WHERE table_oid IN (SELECT table_oid FROM rs_compat.table_attributes t WHERE NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t.table_oid) FOR UPDATE SKIP LOCKED)',
  );
  await write(client, oid, attributes);
}

/** ALTER TABLE … ALTER DISTSTYLE/DISTKEY/SORTKEY/ENCODE and informational constraint changes. */
export async function alterTableAttributes(client: pg.ClientBase, effect: AlterAttributesEffect): Promise<void> {
  const oid = await tableOid(client, effect.table);
  const current = (await readByOid(client, oid)) ?? defaultTableAttributes();
  const next: TableAttributes = { ...current, columnEncodings: { ...current.columnEncodings }, constraints: [...current.constraints] };
  if (effect.diststyle !== undefined) {
    next.diststyle = effect.diststyle;
    next.distkey = effect.distkey ?? null;
  }
  if (effect.sortkeyStyle !== undefined) {
    next.sortkeyStyle = effect.sortkeyStyle;
    next.sortkey = effect.sortkey ?? [];
  }
  if (effect.encodeAuto !== undefined) next.encodeAuto = effect.encodeAuto;
  if (effect.columnEncoding) {
    next.columnEncodings[effect.columnEncoding.column] = effect.columnEncoding.encoding;
    next.encodeAuto = false;
  }
  if (effect.addConstraint) next.constraints.push(effect.addConstraint);
  if (effect.dropConstraint !== undefined) {
    const index = next.constraints.findIndex((c) => c.name === effect.dropConstraint);
    if (index < 0) throw new SqlError(`constraint "${effect.dropConstraint}" of relation "${effect.table.name}" does not exist`);
    next.constraints.splice(index, 1);
  }
  checkColumns(next, await columnNames(client, oid));
  await write(client, oid, next);
}

/** The recorded attributes of a table, found by name (the row is keyed by OID, so renames follow). */
export async function readTableAttributes(client: pg.ClientBase, table: RelationName): Promise<TableAttributes | undefined> {
  const { rows } = await client.query<{ oid: number | null }>('SELECT to_regclass($1)::oid::int AS oid', [formatName(table)]);
  const oid = rows[0]?.oid;
  return oid === null || oid === undefined ? undefined : readByOid(client, oid);
}
