import type { ColumnSpec } from '../config/index.js';
import { SqlkitError, type SourceLocation } from '../errors/index.js';
import type { YamlFile } from '../util/yaml-file.js';
import type { z } from 'zod';
import { TEST_CONFIG_KEYS, testConfigSchema, type TestConfigInput, zodIssuesToErrors } from '../config/index.js';

/** Tests declared in a YAML entry for one model or source table, not yet turned into nodes. */
export interface PendingTests {
  attachedTo: string;
  yaml: YamlFile;
  basePath: (string | number)[];
  table: unknown[];
  tableKey: 'tests' | 'data_tests';
  columns: ColumnSpec[];
}

/** One `- not_null` / `- accepted_values: {...}` entry, normalised. */
export interface TestSpec {
  testName: string;
  customName?: string;
  args: Record<string, unknown>;
  config: TestConfigInput;
  columnName?: string;
  /** Where the entry is; computed on demand, since locating builds a positioned YAML document. */
  locate: () => SourceLocation;
}

const RESERVED_ARGS = new Set(['config', 'arguments', 'name', 'test_name', 'description']);

export function* testSpecsOf(pending: PendingTests, errors: SqlkitError[]): Generator<TestSpec> {
  const { yaml } = pending;
  for (let i = 0; i < pending.table.length; i++) {
    const spec = normalise(pending.table[i], yaml, [...pending.basePath, pending.tableKey, i], undefined, errors);
    if (spec) yield spec;
  }
  for (let c = 0; c < pending.columns.length; c++) {
    const column = pending.columns[c]!;
    const key = column.data_tests ? 'data_tests' : 'tests';
    const list = column.data_tests ?? column.tests ?? [];
    for (let i = 0; i < list.length; i++) {
      const spec = normalise(list[i], yaml, [...pending.basePath, 'columns', c, key, i], column.name, errors);
      if (spec) yield spec;
    }
  }
}

function normalise(
  entry: unknown,
  yaml: YamlFile,
  path: (string | number)[],
  columnName: string | undefined,
  errors: SqlkitError[],
): TestSpec | undefined {
  const locate = () => yaml.locate(path);
  const base = columnName === undefined ? {} : { columnName };
  if (typeof entry === 'string') return { testName: entry, args: {}, config: {}, locate, ...base };
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
    errors.push(invalid(`A test entry must be a test name or a mapping, got ${JSON.stringify(entry)}.`, locate()));
    return undefined;
  }
  const record = entry as Record<string, unknown>;
  let testName: string;
  let body: Record<string, unknown>;
  let bodyPath: (string | number)[];
  if (typeof record.test_name === 'string') {
    testName = record.test_name;
    body = record;
    bodyPath = path;
  } else {
    const keys = Object.keys(record);
    if (keys.length !== 1) {
      errors.push(invalid(`A test entry must have exactly one key (the test name), found: ${keys.join(', ')}.`, locate()));
      return undefined;
    }
    testName = keys[0]!;
    const value = record[testName];
    if (value !== null && value !== undefined && (typeof value !== 'object' || Array.isArray(value))) {
      errors.push(invalid(`Arguments of test '${testName}' must be a mapping.`, yaml.locate([...path, testName])));
      return undefined;
    }
    body = (value ?? {}) as Record<string, unknown>;
    bodyPath = [...path, testName];
  }
  const configInput: Record<string, unknown> = {};
  const args: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === 'test_name') continue;
    if (TEST_CONFIG_KEYS.includes(key)) configInput[key] = value;
    else if (!RESERVED_ARGS.has(key)) args[key] = value;
  }
  if (body.config && typeof body.config === 'object') Object.assign(configInput, body.config);
  if (body.arguments && typeof body.arguments === 'object') Object.assign(args, body.arguments);
  const config = parseTestConfig(configInput);
  if (!config.success) {
    errors.push(...zodIssuesToErrors(config.error.issues, yaml, bodyPath));
    return undefined;
  }
  return {
    testName,
    ...(typeof body.name === 'string' ? { customName: body.name } : {}),
    args,
    config: config.data,
    locate,
    ...base,
  };
}

function invalid(message: string, location: SourceLocation): SqlkitError {
  return new SqlkitError('CONFIG_INVALID', message, {
    location,
    hint: "Examples: '- not_null', '- accepted_values: {values: [free, paid]}', '- relationships: {to: ref('users'), field: user_id}'.",
  });
}

const validConfigs = new Map<string, TestConfigInput>();

/** Test configs repeat (most tests have none): validate each distinct one once. */
function parseTestConfig(input: Record<string, unknown>): { success: true; data: TestConfigInput } | { success: false; error: { issues: z.core.$ZodIssue[] } } {
  const key = JSON.stringify(input);
  const cached = validConfigs.get(key);
  if (cached) return { success: true, data: cached };
  const parsed = testConfigSchema.safeParse(input, { reportInput: true });
  if (parsed.success) validConfigs.set(key, parsed.data);
  return parsed;
}
