/**
 * The bad-input corpus: the mistakes a new user makes, each a small overlay on a fixture project plus the command
 * to run, and the one error sqlkit must answer with (code, file, line, hint) and the exit code. corpus.test.ts runs
 * every case with `--log-format json` and as text.
 *
 * Expected lines come from the overlay text itself (`lineOf`), so a case says "the line holding X", not a number.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorCode } from '../../src/errors/index.js';
import { columnOf, lineOf } from '../support/compile-files.js';
import { FIXTURE_PROJECTS } from '../support/fixture-project.js';
import type { PostgresConnectionInfo } from '../support/provided-context.js';

export type Overlay = Record<string, string | null>;

export interface CaseContext {
  /** The test run's PostgreSQL server (cases with `needs: 'postgres'` only run when it is there). */
  postgres: PostgresConnectionInfo | null;
  /** A database of that server created for this file. */
  database: string;
  /** A local port nothing listens on. */
  closedPort: number;
}

export interface ExpectedError {
  code: ErrorCode;
  /** Project-relative file the error points at; null when the error names no file (a command-line mistake). */
  file: string | null;
  /** Line in `file`; omitted when the error points at a whole file. */
  line?: number;
  /** Checked only when given. */
  column?: number;
  messageIncludes?: string;
  hintIncludes: string;
  /** 2 for bad input, 1 when a model, load or test fails at run time. */
  exit: 1 | 2;
  /** Other errors the same mistake causes (e.g. sources a broken sources file no longer declares). */
  alsoReported?: ErrorCode[];
}

export interface CorpusCase {
  name: string;
  fixture?: 'shop' | 'broken';
  overlay?: Overlay | ((context: CaseContext) => Overlay);
  /** The command, without --log-format (the test adds it). */
  args: string[];
  env?: (context: CaseContext) => Record<string, string>;
  needs?: 'postgres';
  /** Runs before the command (e.g. opens the DuckDB file in this process); returns what undoes it. */
  before?: (dir: string) => Promise<() => void>;
  expect: ExpectedError;
}

export const shop = (path: string): string => readFileSync(join(FIXTURE_PROJECTS, 'shop', path), 'utf8');

/** The shop fixture's `path` with `from` replaced by `to`; throws when `from` is not there, so fixture drift shows. */
export function edited(path: string, from: string, to: string): string {
  const text = shop(path);
  if (!text.includes(from)) throw new Error(`corpus: '${from}' is not in the shop fixture's ${path}`);
  return text.replace(from, to);
}

const PROJECT = 'project.yml';
const SOURCES = 'sources/raw.yml';
const MARTS_YML = 'models/marts/marts.yml';
const CUSTOMER_ORDERS = 'models/marts/customer_orders.sql';
const INCREMENTAL_NO_KEY = "-- every order, merged on the next run\n{{ config(materialized='incremental',\n          incremental_strategy='delete+insert') }}\nselect * from {{ ref('stg_orders') }}\n";
const PREDICATES_ON_APPEND = "{{ config(materialized='incremental',\n          incremental_predicates=[\"sqlkit_dest.order_id > 0\"]) }}\nselect * from {{ ref('stg_orders') }}\n";
const STG_ORDERS = 'models/staging/stg_orders.sql';
const STG_CUSTOMERS = 'models/staging/stg_customers.sql';
const ORDERS_DATA = 'data/orders/orders.jsonl';
const COMPILED_CUSTOMER_ORDERS = 'target/compiled/shop/models/marts/customer_orders.sql';

/** A sources file that cannot be read leaves both staging models' source() calls unresolved too. */
const SOURCES_CASCADE: ErrorCode[] = ['REF_UNKNOWN_SOURCE', 'REF_UNKNOWN_SOURCE'];

const order = (fields: Record<string, unknown>) => JSON.stringify({ order_id: 1, customer_id: 1, amount: '12.50', status: 'placed', ...fields });

/** project.yml with the dev target replaced by `target` (YAML lines indented by 4). */
const withTarget = (target: string) => `name: shop\nvars:\n  min_amount: 0\ntargets:\n  dev:\n${target}`;

const postgresTarget = (host: string, port: number, user: string, database: string) =>
  `    type: postgres\n    host: ${host}\n    port: ${port}\n    user: ${user}\n    password: "{{ env_var('SHOP_PG_PASSWORD') }}"\n    database: ${database}\n    connect_timeout: 10\n`;

const YAML_SYNTAX_SOURCES = edited(SOURCES, '      - name: customers\n', '      - name: customers\n     tags: [crm]\n');
const YAML_SYNTAX_MARTS = edited(MARTS_YML, 'description: One row', 'description: "One row');
const YAML_SYNTAX_PROJECT = edited(PROJECT, '  staging:\n    +materialized: view\n', '  staging:\n    +materialized: view\n   marts_extra: {}\n');
const YAML_DUPLICATE_KEY = edited(PROJECT, 'version: "1.0"\n', 'version: "1.0"\nname: shop_two\n');
const PROJECT_TOP_TYPO = edited(PROJECT, 'vars:\n', 'varz:\n');
const TARGET_TYPO = edited(PROJECT, '    threads: 2', '    treads: 2');
const TARGET_SCHEME = edited(PROJECT, '    threads: 2', '    threads: 2\n    scheme: analytics');
const FOLDER_TYPO = edited(PROJECT, '    +materialized: table', '    +materialised: table');
const SOURCE_TABLE_TYPO = edited(SOURCES, '        format: jsonl\n', '        format: jsonl\n        identifer: orders_v2\n');
const SOURCE_TYPO = edited(SOURCES, '    schema: raw\n', '    shema: raw\n');
const MODEL_YML_TYPO = edited(MARTS_YML, '    description:', '    descripton:');
const COLUMN_TYPO = edited(MARTS_YML, '        tests: [not_null, unique]', '        tets: [not_null, unique]');
const THREADS_WORD = edited(PROJECT, '    threads: 2', '    threads: two');
const MAX_ERRORS_WORD = edited(SOURCES, '        format: jsonl\n', '        format: jsonl\n        max_errors: lots\n');
const VARS_LIST = edited(PROJECT, 'vars:\n  min_amount: 0\n', 'vars:\n  - min_amount\n');
const TARGET_TYPE = edited(PROJECT, '    type: duckdb', '    type: duckbd');
const SOURCE_FORMAT = edited(SOURCES, '        format: jsonl', '        format: csv');
const SOURCE_TABLES_MAPPING = edited(SOURCES, '        columns:\n          - { name: customer_id, type: integer }\n          - { name: name', '        columns:\n          customer_id: integer\n          name_column: { name: name');
const FLOW_NUMERIC = edited(SOURCES, '{ name: amount, type: "numeric(10,2)" }', '{ name: amount, type: numeric(10,2) }');
const NO_TYPE = edited(SOURCES, '          - { name: name, type: varchar(64) }', '          - { name: name }');
const TYPE_TYPO = edited(SOURCES, '{ name: order_id, type: integer }', '{ name: order_id, type: integr }');
const ENV_MISSING_PROJECT = edited(PROJECT, '    path: target/shop.duckdb', `    path: "{{ env_var('SHOP_DB_PATH') }}"`);
const YAML_EXPRESSION = edited(PROJECT, '    path: target/shop.duckdb', '    path: "target/{{ target.name }}.duckdb"');
const ACCEPTED_NO_VALUES = edited(SOURCES, '                  values: [placed, shipped]\n', '                  quote: true\n');
const TEST_REF_MISSING = edited(MARTS_YML, '          - not_null\n', "          - not_null\n          - relationships: {to: ref('stg_customer'), field: customer_id}\n");
const UNKNOWN_TEST = edited(MARTS_YML, '[not_null, unique]', '[not_null, uniqe]');
const YML_MISSING_MODEL = `${shop(MARTS_YML)}  - name: customer_order\n    description: a typo of customer_orders\n`;
const YML_MATERIALIZATION = edited(MARTS_YML, '    description:', '    config:\n      materialized: tabel\n    description:');
const FOLDER_MATERIALIZATION = edited(PROJECT, '+materialized: table', '+materialized: tables');
const MISSING_FOLDER = edited(PROJECT, '  marts:', '  mart:');
const TEMPLATE_BRACES = edited(STG_CUSTOMERS, "'customers') }}", "'customers') }");
/** nunjucks reports the unclosed `{{` at the lone `}` that should have been `}}`. */
const TEMPLATE_BRACES_COLUMN = columnOf(TEMPLATE_BRACES, "'customers') }") + "'customers') ".length;
const TEMPLATE_UNCLOSED_IF = `${shop(STG_ORDERS)}{% if var('min_amount') > 0 %}\n  and status = 'shipped'\n`;
const UNKNOWN_REF = edited(CUSTOMER_ORDERS, "ref('stg_orders')", "ref('stg_order')");
const UNKNOWN_SOURCE = edited(STG_CUSTOMERS, "'customers'", "'customer'");
const UNKNOWN_MACRO = edited(STG_ORDERS, "cents('amount')", "cent('amount')");
const UNKNOWN_VAR = edited(STG_ORDERS, "var('min_amount')", "var('min_amt')");
const ENV_MISSING_MODEL = edited(STG_ORDERS, 'where amount >=', "where status <> '{{ env_var('SHOP_HIDDEN_STATUS') }}'\n  and amount >=");
const CONFIG_MATERIALIZATION = `{{ config(materialized='incrementl') }}\n${shop(CUSTOMER_ORDERS)}`;
const CYCLE = {
  'models/cycle/cyc_a.sql': "select * from {{ ref('cyc_c') }}\n",
  'models/cycle/cyc_b.sql': "select 1 as x\nunion all\nselect * from {{ ref('cyc_a') }}\n",
  'models/cycle/cyc_c.sql': "-- closes the loop\nselect * from {{ ref('cyc_b') }}\n",
};
const DISABLED_REF = "select customer_id\nfrom {{ ref('retired_orders') }}\n";
const SQL_TYPO = edited(CUSTOMER_ORDERS, '  c.name,', '  c.nmae,');
const TEST_MISSING_COLUMN = edited(MARTS_YML, '      - name: orders\n', '      - name: order_count\n');
const JSONPATHS_SOURCES = edited(SOURCES, '        format: jsonl\n', '        format: jsonl\n        json: jsonpaths\n').replace(
  '            path: data/orders\n',
  '            path: data/orders\n            jsonpaths: data/orders.jsonpaths\n',
);
const MISSING_DATA_FOLDER = edited(SOURCES, 'path: data/orders', 'path: data/ordrs');
const MALFORMED_LINE = `${order({})}\n{"order_id": 2, "customer_id": 1, "amount": 3\n`;
const STRING_IN_NUMERIC = `${order({})}\n${order({ order_id: 2, amount: 'lots' })}\n`;
const TOO_LONG = `${order({})}\n${order({ order_id: 2, status: 'shipped by carrier pigeon' })}\n`;
const ARRAY_LINE = `${order({})}\n${order({ order_id: 2 })}\n[3, 1, 7.25, "shipped"]\n`;

export const CASES: CorpusCase[] = [
  // YAML syntax
  {
    name: 'YAML syntax error in sources/*.yml (bad indentation)',
    overlay: { [SOURCES]: YAML_SYNTAX_SOURCES },
    args: ['compile'],
    expect: { code: 'CONFIG_YAML_SYNTAX', file: SOURCES, line: lineOf(YAML_SYNTAX_SOURCES, 'tags: [crm]'), messageIncludes: 'YAML syntax error in sources/raw.yml', hintIncludes: 'indentation', exit: 2, alsoReported: SOURCES_CASCADE },
  },
  {
    name: 'YAML syntax error in a model YAML file (unclosed quote)',
    overlay: { [MARTS_YML]: YAML_SYNTAX_MARTS },
    args: ['compile'],
    expect: { code: 'CONFIG_YAML_SYNTAX', file: MARTS_YML, line: lineOf(YAML_SYNTAX_MARTS, '"One row'), column: columnOf(YAML_SYNTAX_MARTS, '"One row'), messageIncludes: 'models/marts/marts.yml', hintIncludes: 'quoting', exit: 2 },
  },
  {
    name: 'YAML syntax error in project.yml',
    overlay: { [PROJECT]: YAML_SYNTAX_PROJECT },
    args: ['run'],
    expect: { code: 'CONFIG_YAML_SYNTAX', file: PROJECT, line: lineOf(YAML_SYNTAX_PROJECT, 'marts_extra'), hintIncludes: 'indentation', exit: 2 },
  },
  {
    name: 'a key given twice in project.yml',
    overlay: { [PROJECT]: YAML_DUPLICATE_KEY },
    args: ['compile'],
    expect: { code: 'CONFIG_YAML_SYNTAX', file: PROJECT, line: lineOf(YAML_DUPLICATE_KEY, 'name: shop_two'), hintIncludes: 'indentation', exit: 2 },
  },

  // unknown keys and typos
  {
    name: 'a typo in a top-level project.yml key (varz:)',
    overlay: { [PROJECT]: PROJECT_TOP_TYPO },
    args: ['compile'],
    // without vars:, var('min_amount') is unknown too
    expect: { code: 'CONFIG_INVALID', file: PROJECT, line: lineOf(PROJECT_TOP_TYPO, 'varz:'), hintIncludes: "did you mean 'vars'?", exit: 2 },
  },
  {
    name: 'a typo in a target key (treads:)',
    overlay: { [PROJECT]: TARGET_TYPO },
    args: ['run'],
    expect: { code: 'CONFIG_INVALID', file: PROJECT, line: lineOf(TARGET_TYPO, 'treads'), hintIncludes: "did you mean 'threads'?", exit: 2 },
  },
  {
    name: 'an unknown target key (scheme:)',
    overlay: { [PROJECT]: TARGET_SCHEME },
    args: ['compile'],
    expect: { code: 'CONFIG_INVALID', file: PROJECT, line: lineOf(TARGET_SCHEME, 'scheme'), hintIncludes: "did you mean 'schema'?", exit: 2 },
  },
  {
    name: 'a typo in a folder config key (+materialised:)',
    overlay: { [PROJECT]: FOLDER_TYPO },
    args: ['compile'],
    expect: { code: 'CONFIG_INVALID', file: PROJECT, line: lineOf(FOLDER_TYPO, '+materialised'), hintIncludes: "did you mean '+materialized'?", exit: 2 },
  },
  {
    name: 'a typo in a source table key (identifer:)',
    overlay: { [SOURCES]: SOURCE_TABLE_TYPO },
    args: ['compile'],
    expect: { code: 'CONFIG_INVALID', file: SOURCES, line: lineOf(SOURCE_TABLE_TYPO, 'identifer'), column: columnOf(SOURCE_TABLE_TYPO, 'identifer'), messageIncludes: "'sources[0].tables[0].identifer'", hintIncludes: "did you mean 'identifier'?", exit: 2, alsoReported: SOURCES_CASCADE },
  },
  {
    name: 'a typo in a source key (shema:)',
    overlay: { [SOURCES]: SOURCE_TYPO },
    args: ['compile'],
    expect: { code: 'CONFIG_INVALID', file: SOURCES, line: lineOf(SOURCE_TYPO, 'shema'), hintIncludes: "did you mean 'schema'?", exit: 2, alsoReported: SOURCES_CASCADE },
  },
  {
    name: 'a typo in a model YAML key (descripton:)',
    overlay: { [MARTS_YML]: MODEL_YML_TYPO },
    args: ['compile'],
    expect: { code: 'CONFIG_INVALID', file: MARTS_YML, line: lineOf(MODEL_YML_TYPO, 'descripton'), messageIncludes: "'models[0].descripton'", hintIncludes: "did you mean 'description'?", exit: 2 },
  },
  {
    name: 'a typo in a column key of a model YAML (tets:)',
    overlay: { [MARTS_YML]: COLUMN_TYPO },
    args: ['compile'],
    expect: { code: 'CONFIG_INVALID', file: MARTS_YML, line: lineOf(COLUMN_TYPO, 'tets'), hintIncludes: "did you mean 'tests'?", exit: 2 },
  },

  // values of the wrong type
  {
    name: 'threads: two (a word where a number belongs)',
    overlay: { [PROJECT]: THREADS_WORD },
    args: ['run'],
    expect: { code: 'CONFIG_INVALID', file: PROJECT, line: lineOf(THREADS_WORD, 'threads: two'), hintIncludes: 'expected shape', exit: 2 },
  },
  {
    name: 'max_errors: lots on a source table',
    overlay: { [SOURCES]: MAX_ERRORS_WORD },
    args: ['compile'],
    expect: { code: 'CONFIG_INVALID', file: SOURCES, line: lineOf(MAX_ERRORS_WORD, 'max_errors'), hintIncludes: 'expected shape', exit: 2, alsoReported: SOURCES_CASCADE },
  },
  {
    name: 'vars: as a list instead of a mapping',
    overlay: { [PROJECT]: VARS_LIST },
    args: ['compile'],
    expect: { code: 'CONFIG_INVALID', file: PROJECT, line: lineOf(VARS_LIST, '- min_amount'), hintIncludes: 'expected shape', exit: 2 },
  },
  {
    name: 'a target type that is no engine (duckbd)',
    overlay: { [PROJECT]: TARGET_TYPE },
    args: ['run'],
    expect: { code: 'CONFIG_INVALID', file: PROJECT, line: lineOf(TARGET_TYPE, 'duckbd'), hintIncludes: "did you mean 'duckdb'?", exit: 2 },
  },
  {
    name: 'a source format that is not supported (csv)',
    overlay: { [SOURCES]: SOURCE_FORMAT },
    args: ['compile'],
    expect: { code: 'CONFIG_INVALID', file: SOURCES, line: lineOf(SOURCE_FORMAT, 'format: csv'), hintIncludes: 'Use one of: jsonl, json', exit: 2, alsoReported: SOURCES_CASCADE },
  },
  {
    name: 'source columns as a mapping instead of a list',
    overlay: { [SOURCES]: SOURCE_TABLES_MAPPING },
    args: ['compile'],
    expect: { code: 'CONFIG_INVALID', file: SOURCES, line: lineOf(SOURCE_TABLES_MAPPING, 'customer_id: integer'), hintIncludes: 'expected shape', exit: 2, alsoReported: SOURCES_CASCADE },
  },
  {
    name: 'numeric(10,2) unquoted in a YAML flow mapping',
    overlay: { [SOURCES]: FLOW_NUMERIC },
    args: ['compile'],
    expect: { code: 'CONFIG_INVALID', file: SOURCES, line: lineOf(FLOW_NUMERIC, 'numeric(10,2)'), hintIncludes: 'quote it, as in type: "numeric(10,2)"', exit: 2, alsoReported: SOURCES_CASCADE },
  },
  {
    name: 'a loaded source column without a type',
    overlay: { [SOURCES]: NO_TYPE },
    args: ['compile'],
    expect: { code: 'CONFIG_INVALID', file: SOURCES, line: lineOf(NO_TYPE, '{ name: name }'), hintIncludes: 'type: varchar(256)', exit: 2 },
  },
  {
    name: 'an unknown column type (integr)',
    overlay: { [SOURCES]: TYPE_TYPO },
    args: ['compile'],
    expect: { code: 'CONFIG_INVALID', file: SOURCES, line: lineOf(TYPE_TYPO, 'integr '), hintIncludes: "did you mean 'integer'?", exit: 2 },
  },

  // project.yml itself
  {
    name: 'no project.yml in the folder',
    overlay: { [PROJECT]: null },
    args: ['run'],
    expect: { code: 'CONFIG_PROJECT_NOT_FOUND', file: null, hintIncludes: '--project-dir', exit: 2 },
  },
  {
    name: 'an empty project.yml',
    overlay: { [PROJECT]: '' },
    args: ['compile'],
    expect: { code: 'CONFIG_INVALID', file: PROJECT, hintIncludes: 'Add the missing key', exit: 2, alsoReported: ['CONFIG_INVALID'] },
  },
  {
    name: 'env_var() in project.yml naming a variable that is not set',
    overlay: { [PROJECT]: ENV_MISSING_PROJECT },
    args: ['run'],
    expect: { code: 'CONFIG_ENV_VAR_MISSING', file: PROJECT, line: lineOf(ENV_MISSING_PROJECT, 'SHOP_DB_PATH'), hintIncludes: "Set SHOP_DB_PATH, or give a default: {{ env_var('SHOP_DB_PATH', 'default') }}", exit: 2 },
  },
  {
    name: 'a template expression other than env_var()/var() in project.yml',
    overlay: { [PROJECT]: YAML_EXPRESSION },
    args: ['compile'],
    expect: { code: 'CONFIG_INVALID', file: PROJECT, line: lineOf(YAML_EXPRESSION, 'target.name'), hintIncludes: 'may only use', exit: 2 },
  },
  {
    name: 'folder config for a folder that does not exist',
    overlay: { [PROJECT]: MISSING_FOLDER },
    args: ['compile'],
    expect: { code: 'CONFIG_UNKNOWN_PATH', file: PROJECT, line: lineOf(MISSING_FOLDER, 'mart:'), hintIncludes: "did you mean 'models/marts'?", exit: 2 },
  },
  {
    name: 'an unknown materialization in project.yml folder config',
    overlay: { [PROJECT]: FOLDER_MATERIALIZATION },
    args: ['compile'],
    expect: { code: 'CONFIG_INVALID', file: PROJECT, line: lineOf(FOLDER_MATERIALIZATION, 'tables'), hintIncludes: 'view, table, incremental, ephemeral', exit: 2 },
  },

  // model YAML
  {
    name: 'a model YAML entry for a model that does not exist',
    overlay: { [MARTS_YML]: YML_MISSING_MODEL },
    args: ['compile'],
    expect: { code: 'PROJECT_UNKNOWN_NODE', file: MARTS_YML, line: lineOf(YML_MISSING_MODEL, 'name: customer_order', 2), messageIncludes: "'customer_order'", hintIncludes: "did you mean 'customer_orders'?", exit: 2 },
  },
  {
    name: 'an unknown materialization in a model YAML config',
    overlay: { [MARTS_YML]: YML_MATERIALIZATION },
    args: ['compile'],
    expect: { code: 'CONFIG_INVALID', file: MARTS_YML, line: lineOf(YML_MATERIALIZATION, 'tabel'), hintIncludes: 'Use one of: view, table, incremental, ephemeral.', exit: 2 },
  },
  {
    name: 'an unknown generic test (uniqe)',
    overlay: { [MARTS_YML]: UNKNOWN_TEST },
    args: ['compile'],
    expect: { code: 'REF_UNKNOWN_TEST', file: MARTS_YML, line: lineOf(UNKNOWN_TEST, 'uniqe'), column: columnOf(UNKNOWN_TEST, 'uniqe'), messageIncludes: "'uniqe'", hintIncludes: "did you mean 'unique'?", exit: 2 },
  },
  {
    name: 'accepted_values without values',
    overlay: { [SOURCES]: ACCEPTED_NO_VALUES },
    args: ['compile'],
    expect: { code: 'CONFIG_INVALID', file: SOURCES, line: lineOf(ACCEPTED_NO_VALUES, '- accepted_values'), messageIncludes: "Test 'accepted_values' needs the argument 'values'.", hintIncludes: 'values:', exit: 2 },
  },
  {
    name: 'a ref() in a YAML test to a model that does not exist',
    overlay: { [MARTS_YML]: TEST_REF_MISSING },
    args: ['compile'],
    expect: { code: 'REF_UNKNOWN_MODEL', file: MARTS_YML, line: lineOf(TEST_REF_MISSING, 'relationships'), hintIncludes: "did you mean 'stg_customers'?", exit: 2 },
  },

  // templates and references
  {
    name: 'a template syntax error (} for }})',
    overlay: { [STG_CUSTOMERS]: TEMPLATE_BRACES },
    args: ['compile'],
    expect: { code: 'TEMPLATE_SYNTAX', file: STG_CUSTOMERS, line: lineOf(TEMPLATE_BRACES, "'customers') }"), column: TEMPLATE_BRACES_COLUMN, hintIncludes: "Close the tag: '{{ ... }}'", exit: 2 },
  },
  {
    name: 'an {% if %} without {% endif %}',
    overlay: { [STG_ORDERS]: TEMPLATE_UNCLOSED_IF },
    args: ['build'],
    expect: { code: 'TEMPLATE_SYNTAX', file: STG_ORDERS, line: lineOf(TEMPLATE_UNCLOSED_IF, '{% if'), hintIncludes: '{% %}', exit: 2 },
  },
  {
    name: 'an unknown ref',
    overlay: { [CUSTOMER_ORDERS]: UNKNOWN_REF },
    args: ['compile'],
    expect: { code: 'REF_UNKNOWN_MODEL', file: CUSTOMER_ORDERS, line: lineOf(UNKNOWN_REF, 'stg_order'), hintIncludes: "did you mean 'stg_orders'?", exit: 2 },
  },
  {
    name: 'an unknown source',
    overlay: { [STG_CUSTOMERS]: UNKNOWN_SOURCE },
    args: ['compile'],
    expect: { code: 'REF_UNKNOWN_SOURCE', file: STG_CUSTOMERS, line: lineOf(UNKNOWN_SOURCE, "'customer'"), messageIncludes: "source('raw', 'customer')", hintIncludes: "did you mean 'raw.customers'?", exit: 2 },
  },
  {
    name: 'an unknown macro',
    overlay: { [STG_ORDERS]: UNKNOWN_MACRO },
    args: ['compile'],
    expect: { code: 'TEMPLATE_UNKNOWN_MACRO', file: STG_ORDERS, line: lineOf(UNKNOWN_MACRO, 'cent('), hintIncludes: "did you mean 'cents'?", exit: 2 },
  },
  {
    name: 'an unknown var',
    overlay: { [STG_ORDERS]: UNKNOWN_VAR },
    args: ['compile'],
    expect: { code: 'TEMPLATE_UNKNOWN_VAR', file: STG_ORDERS, line: lineOf(UNKNOWN_VAR, 'min_amt'), hintIncludes: '--vars', exit: 2 },
  },
  {
    name: 'env_var() in a model naming a variable that is not set',
    overlay: { [STG_ORDERS]: ENV_MISSING_MODEL },
    args: ['run'],
    expect: { code: 'CONFIG_ENV_VAR_MISSING', file: STG_ORDERS, line: lineOf(ENV_MISSING_MODEL, 'SHOP_HIDDEN_STATUS'), hintIncludes: 'Set SHOP_HIDDEN_STATUS', exit: 2 },
  },
  {
    name: 'a ref cycle',
    overlay: CYCLE,
    args: ['compile'],
    expect: { code: 'GRAPH_CYCLE', file: 'models/cycle/cyc_a.sql', line: 1, hintIncludes: 'remove one ref on the cycle', exit: 2 },
  },
  {
    name: 'two models with the same name in different folders',
    overlay: { 'models/staging/customer_orders.sql': 'select 1 as customer_id\n' },
    args: ['compile'],
    expect: { code: 'PROJECT_DUPLICATE_NODE', file: 'models/staging/customer_orders.sql', hintIncludes: 'rename one of the files', exit: 2 },
  },
  {
    name: 'an empty model',
    overlay: { 'models/marts/todo.sql': "{{ config(materialized='table') }}\n-- nothing here yet\n\n" },
    args: ['build'],
    expect: { code: 'PROJECT_EMPTY_MODEL', file: 'models/marts/todo.sql', line: 1, messageIncludes: "'todo'", hintIncludes: 'select', exit: 2 },
  },
  {
    name: 'an unknown materialization in config()',
    overlay: { [CUSTOMER_ORDERS]: CONFIG_MATERIALIZATION },
    args: ['compile'],
    expect: { code: 'TEMPLATE_INVALID_CONFIG', file: CUSTOMER_ORDERS, line: 1, hintIncludes: 'Use one of: view, table, incremental, ephemeral.', exit: 2 },
  },
  {
    name: 'an incremental model merging with delete+insert but no unique_key',
    overlay: { 'models/marts/order_log.sql': INCREMENTAL_NO_KEY },
    args: ['compile'],
    expect: { code: 'CONFIG_INVALID', file: 'models/marts/order_log.sql', line: lineOf(INCREMENTAL_NO_KEY, 'incremental_strategy'), messageIncludes: 'without a unique_key', hintIncludes: 'Set unique_key', exit: 2 },
  },
  {
    name: 'incremental_predicates on an incremental model that appends',
    overlay: { 'models/marts/order_log.sql': PREDICATES_ON_APPEND },
    args: ['run'],
    expect: { code: 'CONFIG_INVALID', file: 'models/marts/order_log.sql', line: lineOf(PREDICATES_ON_APPEND, 'incremental_predicates'), messageIncludes: 'incremental_predicates', hintIncludes: 'unique_key', exit: 2 },
  },
  {
    name: 'a model file name that is not an identifier',
    overlay: { 'models/marts/customer-orders-v2.sql': 'select 1 as x\n' },
    args: ['compile'],
    expect: { code: 'PROJECT_UNKNOWN_NODE', file: 'models/marts/customer-orders-v2.sql', messageIncludes: "'customer-orders-v2.sql'", hintIncludes: 'letters, digits and underscores', exit: 2 },
  },
  {
    name: 'a ref to a disabled model',
    overlay: { 'models/marts/retired_orders.sql': "{{ config(enabled=false) }}\nselect 1 as customer_id\n", 'models/marts/uses_retired.sql': DISABLED_REF },
    args: ['compile'],
    expect: { code: 'REF_DISABLED_MODEL', file: 'models/marts/uses_retired.sql', line: lineOf(DISABLED_REF, 'retired_orders'), hintIncludes: "Enable 'retired_orders'", exit: 2 },
  },

  // data files (run time: the load fails, exit 1)
  {
    name: 'a malformed JSON line',
    overlay: { [ORDERS_DATA]: MALFORMED_LINE },
    args: ['run'],
    expect: { code: 'LOAD_MALFORMED_JSON', file: ORDERS_DATA, line: 2, hintIncludes: 'max_errors', exit: 1 },
  },
  {
    name: 'an empty data file (an upload cut short)',
    overlay: { [ORDERS_DATA]: '' },
    args: ['run'],
    expect: { code: 'LOAD_EMPTY_FILE', file: ORDERS_DATA, line: 1, hintIncludes: 'allow_empty_files: true', exit: 1 },
  },
  {
    name: 'a string in a numeric column',
    overlay: { [ORDERS_DATA]: STRING_IN_NUMERIC },
    args: ['build'],
    expect: { code: 'LOAD_BAD_VALUE', file: ORDERS_DATA, line: 2, hintIncludes: 'max_errors', exit: 1 },
  },
  {
    name: 'a value longer than its varchar(n)',
    overlay: { [ORDERS_DATA]: TOO_LONG },
    args: ['run'],
    expect: { code: 'LOAD_BAD_VALUE', file: ORDERS_DATA, line: 2, hintIncludes: 'max_errors', exit: 1 },
  },
  {
    name: 'a JSON line that is an array, not an object',
    overlay: { [ORDERS_DATA]: ARRAY_LINE },
    args: ['run'],
    expect: { code: 'LOAD_BAD_VALUE', file: ORDERS_DATA, line: 3, hintIncludes: 'max_errors', exit: 1 },
  },
  {
    name: 'a source folder that does not exist',
    overlay: { [SOURCES]: MISSING_DATA_FOLDER },
    args: ['run'],
    expect: { code: 'LOAD_NO_FILES', file: SOURCES, line: lineOf(MISSING_DATA_FOLDER, '- name: orders'), hintIncludes: 'relative to the project root', exit: 1 },
  },
  {
    name: 'a JSONPaths file with fewer expressions than columns',
    overlay: { [SOURCES]: JSONPATHS_SOURCES, 'data/orders.jsonpaths': '{"jsonpaths": ["$.order_id", "$.customer_id", "$.amount"]}\n' },
    args: ['run'],
    expect: { code: 'LOAD_BAD_JSONPATHS', file: 'data/orders.jsonpaths', hintIncludes: 'list one per column', exit: 1 },
  },
  {
    name: 'an empty JSONPaths file',
    overlay: { [SOURCES]: JSONPATHS_SOURCES, 'data/orders.jsonpaths': '' },
    args: ['run'],
    expect: { code: 'LOAD_BAD_JSONPATHS', file: 'data/orders.jsonpaths', hintIncludes: 'jsonpaths', exit: 1 },
  },

  // SQL that the warehouse rejects (run time, exit 1)
  {
    name: 'a misspelt column in a model: the compiled file and line, the model file related',
    overlay: { [CUSTOMER_ORDERS]: SQL_TYPO },
    args: ['run'],
    expect: { code: 'ADAPTER_SQL', file: COMPILED_CUSTOMER_ORDERS, line: lineOf(SQL_TYPO, 'c.nmae'), hintIncludes: `Fix the SQL in ${CUSTOMER_ORDERS}`, exit: 1 },
  },
  {
    name: 'a test on a column the model does not have',
    overlay: { [MARTS_YML]: TEST_MISSING_COLUMN },
    args: ['build'],
    expect: { code: 'ADAPTER_SQL', file: 'target/compiled/shop/models/marts/marts/not_null_customer_orders_order_count.sql', line: 4, hintIncludes: MARTS_YML, exit: 1 },
  },

  // the command line
  {
    name: '--select naming no node',
    args: ['run', '--select', 'stg_ordres'],
    expect: { code: 'SELECT_INVALID', file: null, hintIncludes: "did you mean 'stg_orders'?", exit: 2 },
  },
  {
    name: '--select with an unknown method (tagg:)',
    args: ['build', '--select', 'tagg:nightly'],
    expect: { code: 'SELECT_INVALID', file: null, messageIncludes: "Invalid selector 'tagg:nightly': unknown method 'tagg'.", hintIncludes: "did you mean 'tag'?", exit: 2 },
  },
  {
    name: '--select resource_type:modle',
    args: ['ls', '--select', 'resource_type:modle'],
    expect: { code: 'SELECT_INVALID', file: null, hintIncludes: "did you mean 'model'?", exit: 2 },
  },
  {
    name: '--vars that is not YAML',
    args: ['compile', '--vars', '{min_amount: 5'],
    expect: { code: 'CLI_INVALID_ARGUMENT', file: null, messageIncludes: '--vars is not valid YAML or JSON', hintIncludes: '--vars', exit: 2 },
  },
  {
    name: '--vars that is not a mapping',
    args: ['run', '--vars', '[5]'],
    expect: { code: 'CLI_INVALID_ARGUMENT', file: null, messageIncludes: '--vars must be a mapping of var names to values.', hintIncludes: "--vars '{play_page: NextSong}'", exit: 2 },
  },
  {
    name: '--target naming no target',
    args: ['run', '--target', 'dve'],
    expect: { code: 'CONFIG_UNKNOWN_TARGET', file: null, messageIncludes: "Target 'dve' is not defined in project.yml.", hintIncludes: "did you mean 'dev'? Targets defined: dev.", exit: 2 },
  },
  {
    name: '--threads 0',
    args: ['build', '--threads', '0'],
    expect: { code: 'CLI_INVALID_ARGUMENT', file: null, hintIncludes: '--threads 4', exit: 2 },
  },
  {
    name: 'an unknown command',
    args: ['biuld'],
    expect: { code: 'CLI_INVALID_ARGUMENT', file: null, hintIncludes: "did you mean 'build'?", exit: 2 },
  },
  {
    name: 'an unknown option',
    args: ['compile', '--selct', 'stg_orders'],
    expect: { code: 'CLI_INVALID_ARGUMENT', file: null, messageIncludes: '--selct', hintIncludes: '--help', exit: 2 },
  },
  {
    name: 'ls --resource-type modle',
    args: ['ls', '--resource-type', 'modle'],
    expect: { code: 'CLI_INVALID_ARGUMENT', file: null, hintIncludes: "did you mean 'model'?", exit: 2 },
  },
  {
    name: 'show a node that does not exist',
    args: ['show', 'customer_order'],
    expect: { code: 'PROJECT_UNKNOWN_NODE', file: null, hintIncludes: "did you mean 'customer_orders'?", exit: 2 },
  },
  {
    name: 'sqlkit cluster in a project without a cluster: block',
    args: ['cluster', 'status'],
    expect: { code: 'CONFIG_INVALID', file: PROJECT, hintIncludes: 'cluster: {', exit: 2 },
  },

  // the warehouse
  {
    name: 'a DuckDB file locked by another process',
    before: async (dir) => {
      const { DuckDBInstance } = await import('@duckdb/node-api');
      const { mkdirSync } = await import('node:fs');
      mkdirSync(join(dir, 'target'), { recursive: true });
      const holder = await DuckDBInstance.create(join(dir, 'target', 'shop.duckdb'));
      return () => holder.closeSync();
    },
    args: ['run'],
    expect: { code: 'ADAPTER_LOCKED', file: PROJECT, line: lineOf(shop(PROJECT), '  dev:'), hintIncludes: 'Wait for the other', exit: 2 },
  },
  {
    name: 'a DuckDB path that cannot be opened',
    overlay: { [PROJECT]: edited(PROJECT, 'path: target/shop.duckdb', 'path: models/marts/customer_orders.sql/shop.duckdb') },
    args: ['run'],
    expect: { code: 'ADAPTER_CONNECTION', file: PROJECT, line: lineOf(shop(PROJECT), '  dev:'), hintIncludes: 'path', exit: 2 },
  },
  {
    name: 'PostgreSQL on a closed port',
    overlay: ({ closedPort }) => ({ [PROJECT]: withTarget(postgresTarget('127.0.0.1', closedPort, 'shop', 'shop')) }),
    env: () => ({ SHOP_PG_PASSWORD: 'unused-password' }),
    args: ['run'],
    expect: { code: 'ADAPTER_CONNECTION', file: PROJECT, line: 5, hintIncludes: 'host and port', exit: 2 },
  },
  {
    name: 'PostgreSQL with a wrong password',
    needs: 'postgres',
    overlay: ({ postgres, database }) => ({ [PROJECT]: withTarget(postgresTarget(postgres!.host, postgres!.port, postgres!.user, database)) }),
    env: () => ({ SHOP_PG_PASSWORD: 'not-the-password-4e1f' }),
    args: ['build'],
    expect: { code: 'ADAPTER_AUTH', file: PROJECT, line: 5, hintIncludes: 'password', exit: 2 },
  },
  {
    name: 'PostgreSQL database that does not exist',
    needs: 'postgres',
    overlay: ({ postgres }) => ({ [PROJECT]: withTarget(postgresTarget(postgres!.host, postgres!.port, postgres!.user, 'shop_missing_db')) }),
    env: ({ postgres }) => ({ SHOP_PG_PASSWORD: postgres!.password }),
    args: ['run'],
    expect: { code: 'ADAPTER_CONNECTION', file: PROJECT, line: 5, hintIncludes: 'Create the database', exit: 2 },
  },
  {
    name: 'a misspelt column in a model on PostgreSQL',
    needs: 'postgres',
    overlay: ({ postgres, database }) => ({ [PROJECT]: withTarget(postgresTarget(postgres!.host, postgres!.port, postgres!.user, database)), [CUSTOMER_ORDERS]: SQL_TYPO }),
    env: ({ postgres }) => ({ SHOP_PG_PASSWORD: postgres!.password }),
    args: ['run', '-s', '+customer_orders'],
    expect: { code: 'ADAPTER_SQL', file: COMPILED_CUSTOMER_ORDERS, line: lineOf(SQL_TYPO, 'c.nmae'), hintIncludes: `Fix the SQL in ${CUSTOMER_ORDERS}`, exit: 1 },
  },
];
