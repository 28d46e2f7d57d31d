/** A column type in the portable vocabulary sources declare; each dialect maps it to its engine's type. */
export interface ColumnType {
  base: 'varchar' | 'char' | 'smallint' | 'integer' | 'bigint' | 'real' | 'double' | 'numeric' | 'boolean' | 'date' | 'timestamp' | 'timestamptz';
  length?: number;
  precision?: number;
  scale?: number;
}

const ALIASES: Record<string, ColumnType['base']> = {
  varchar: 'varchar', 'character varying': 'varchar', text: 'varchar', string: 'varchar', nvarchar: 'varchar',
  char: 'char', character: 'char', bpchar: 'char',
  smallint: 'smallint', int2: 'smallint',
  integer: 'integer', int: 'integer', int4: 'integer',
  bigint: 'bigint', int8: 'bigint',
  real: 'real', float4: 'real',
  double: 'double', 'double precision': 'double', float8: 'double', float: 'double',
  numeric: 'numeric', decimal: 'numeric',
  boolean: 'boolean', bool: 'boolean',
  date: 'date',
  timestamp: 'timestamp', 'timestamp without time zone': 'timestamp',
  timestamptz: 'timestamptz', 'timestamp with time zone': 'timestamptz',
};

export const COLUMN_TYPE_NAMES = Object.keys(ALIASES);

export function parseColumnType(text: string): ColumnType | undefined {
  const match = /^\s*([a-z][a-z0-9 ]*?)\s*(?:\(\s*(\d+|max)\s*(?:,\s*(\d+)\s*)?\))?\s*$/i.exec(text);
  if (!match) return undefined;
  const base = ALIASES[match[1]!.toLowerCase().replace(/\s+/g, ' ')];
  if (!base) return undefined;
  const [, , first, second] = match;
  const type: ColumnType = { base };
  if (first !== undefined) {
    const value = first.toLowerCase() === 'max' ? 65535 : Number(first);
    if (base === 'varchar' || base === 'char') type.length = value;
    else if (base === 'numeric') {
      type.precision = value;
      if (second !== undefined) type.scale = Number(second);
    } else return undefined;
  }
  return type;
}

export function isTextType(type: ColumnType): boolean {
  return type.base === 'varchar' || type.base === 'char';
}

export function isIntegerType(type: ColumnType): boolean {
  return type.base === 'smallint' || type.base === 'integer' || type.base === 'bigint';
}
