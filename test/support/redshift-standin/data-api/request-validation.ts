import { tokenize } from '../sql/tokenizer.js';
import type { Target } from '../engine/database-registry.js';
import { validation } from './data-api-error.js';
import type { SqlParameter } from './statement-record.js';

export const MAX_SQL_BYTES = 100 * 1024;
export const MAX_BATCH_SQLS = 40;

const ID_PATTERN = /^[a-z0-9]{8}(-[a-z0-9]{4}){3}-[a-z0-9]{12}(:\d{1,2})?$/;
const PARAMETER_NAME = /^[0-9a-zA-Z_]+$/;

export type Body = Record<string, unknown>;

export function optionalString(body: Body, key: string, max = Infinity): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw validation(`${key} must be a string`);
  if (value.length > max) throw validation(`${key} must be at most ${max} characters`);
  return value;
}

export function requiredString(body: Body, key: string): string {
  const value = optionalString(body, key);
  if (value === undefined || value === '') throw validation(`1 validation error detected: Value null at '${key}' failed to satisfy constraint: Member must not be null`);
  return value;
}

export function optionalInteger(body: Body, key: string, min: number, max: number): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw validation(`${key} must be an integer between ${min} and ${max}`);
  }
  return value;
}

export function checkStatementId(id: string): void {
  if (!ID_PATTERN.test(id)) throw validation(`Id ${id} is not a valid statement Id`);
}

export function checkSql(sql: string): void {
  if (Buffer.byteLength(sql) > MAX_SQL_BYTES) throw validation('Cannot process query string larger than 100kB');
}

export function readTarget(body: Body): Target {
  const cluster = optionalString(body, 'ClusterIdentifier');
  const workgroup = optionalString(body, 'WorkgroupName');
  if ((cluster === undefined) === (workgroup === undefined)) {
    throw validation('Either ClusterIdentifier or WorkgroupName must be specified, but not both');
  }
  return cluster !== undefined ? { kind: 'cluster', name: cluster } : { kind: 'workgroup', name: workgroup! };
}

export function readParameters(body: Body): SqlParameter[] {
  const value = body.Parameters;
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw validation('Parameters must be a list');
  const seen = new Set<string>();
  return value.map((item: unknown) => {
    const { name, value: parameterValue } = (item ?? {}) as { name?: unknown; value?: unknown };
    if (typeof name !== 'string' || !PARAMETER_NAME.test(name)) throw validation(`Parameter name ${String(name)} is invalid`);
    if (typeof parameterValue !== 'string' || parameterValue === '') throw validation(`Parameter ${name} must have a non-empty string value`);
    if (seen.has(name)) throw validation(`Parameter ${name} is given more than once`);
    seen.add(name);
    return { name, value: parameterValue };
  });
}

/** Every parameter must be used by some statement (the Data API refuses extras). */
export function checkParametersUsed(sqls: readonly string[], parameters: readonly SqlParameter[]): void {
  if (parameters.length === 0) return;
  const used = new Set<string>();
  for (const sql of sqls) {
    try {
      for (const token of tokenize(sql)) if (token.kind === 'param') used.add(token.text.slice(1));
    } catch {
      // Unparseable SQL fails when it runs.
    }
  }
  const unused = parameters.find((p) => !used.has(p.name));
  if (unused) throw validation(`Parameter ${unused.name} is not used in the SQL`);
}
