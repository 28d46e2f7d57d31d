import { DuckDBInstance } from '@duckdb/node-api';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The baseline of the build-overhead measure: the SQL a sqlkit build sent, replayed in the same order through
 * @duckdb/node-api alone, with the same DuckDB setting sqlkit applies. Run as its own process, like sqlkit.
 * Usage: node replay.js <database file> <statements.json>
 */
const [database, statementsFile] = process.argv.slice(2);
const statements = JSON.parse(readFileSync(statementsFile!, 'utf8')) as string[];
mkdirSync(dirname(database!), { recursive: true });
const instance = await DuckDBInstance.create(database!);
const connection = await instance.connect();
await connection.run('set preserve_insertion_order = false');
for (const sql of statements) await connection.run(sql);
connection.closeSync();
instance.closeSync();
