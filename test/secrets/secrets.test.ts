import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { REDACTED } from '../../src/errors/index.js';
import { testEngines } from '../support/engines.js';
import { createDatabase, dropDatabase } from '../support/postgres-server.js';
import { startRedshiftStandin, type RedshiftStandin } from '../support/redshift-standin/index.js';
import { runCli, type CliResult } from '../support/sqlkit-cli.js';
import { removeTempProjects, writeProject } from '../support/temp-project.js';
import { LeakScan } from './leak-scan.js';

/*
 * Secrets planted through environment variables and config must never come out of sqlkit: not on stdout or stderr,
 * not in --log-format json, not in error messages or --debug stack traces, not in any file under target/. Each
 * engine gets a project that uses the secrets the way users do (env_var() in models, passwords and roles in the
 * target), runs every command that prints or writes, with failures that quote the secret back, and greps it all.
 */

const hex = () => randomBytes(6).toString('hex');

afterAll(removeTempProjects);

/** A public value used next to the secrets: it must show up where they are redacted, or the scan sees nothing. */
const PUBLIC_LABEL = `public-label-${hex()}`;

/** Secrets every engine's project uses, by env var name. */
function modelSecrets() {
  return {
    SQLKIT_SECRET_SALT: `salt-${hex()}-${hex()}`,
    SQLKIT_SECRET_PIN: `pin-${hex()}-${hex()}`,
    // quotes and a backslash: JSON and SQL escape them, so the escaped forms must be caught too
    SQLKIT_SECRET_QUOTED: `quo"te\\back-${hex()}`,
    PAYMENTS_API_KEY: `pk_live_${hex()}${hex()}`,
  };
}

/** Models that put the secrets into SQL, into a value the warehouse quotes back in an error, and into test samples. */
function secretModels(): Record<string, string> {
  return {
    'models/hashed.sql': `{{ config(materialized='table') }}
select md5('{{ env_var('SQLKIT_SECRET_SALT') }}' || cast(id as varchar)) as h, '{{ env_var('VAULT_PUBLIC_LABEL') }}' as label
from (select 1 as id union all select 2) ids
`,
    'models/uses_var.sql': `{{ config(materialized='table') }}\nselect '{{ var('api_token') }}' = 'x' as token_is_x, length('{{ env_var('PAYMENTS_API_KEY') }}') as key_length\n`,
    'models/broken_pin.sql': `{{ config(materialized='table') }}\nselect cast('{{ env_var('SQLKIT_SECRET_PIN') }}' as integer) as pin\n`,
    'models/broken_quoted.sql': `{{ config(materialized='table') }}\nselect cast('{{ env_var('SQLKIT_SECRET_QUOTED') }}' as integer) as q\n`,
    'models/schema.yml': `models:
  - name: hashed
    columns:
      - name: h
        tests:
          - accepted_values: { values: ['{{ env_var("SQLKIT_SECRET_SALT") }}'] }
`,
    'data-tests/pin_seen.sql': `select '{{ env_var('SQLKIT_SECRET_PIN') }}' as pin_seen\n`,
    'analyses/peek.sql': `select '{{ env_var('SQLKIT_SECRET_SALT') }}' as salt, '{{ var('api_token') }}' as token\n`,
  };
}

/** vars: a key that names a credential makes its value a secret, whatever the env var it came from is called. */
const VARS_YAML = `vars:\n  api_token: "{{ env_var('VAULT_VAR_SOURCE') }}"\n`;

/** Runs `args` as text, as JSON, and both again with --debug (statements and stack traces), recording each. */
async function runAllWays(scan: LeakScan, label: string, dir: string, args: string[], env: Record<string, string>): Promise<CliResult[]> {
  const results: CliResult[] = [];
  for (const extra of [[], ['--log-format', 'json'], ['--debug'], ['--debug', '--log-format', 'json']]) {
    const json = extra.includes('json');
    results.push(scan.addRun(`${label} ${[...args, ...extra].join(' ')}`, await runCli([...args, ...extra], { cwd: dir, env }), json));
  }
  return results;
}

/** Prints the counts, then fails listing each secret found and where (one line per secret and place). */
function report(engine: string, secrets: Record<string, string>, scan: LeakScan): void {
  const leaks = [...new Set(scan.leaks(secrets).map((l) => `${l.secret} in ${l.place} (${l.form})`))];
  const pairs = new Set(scan.leaks(secrets).map((l) => `${l.secret} in ${l.place}`));
  console.info(`secrets (${engine}): ${Object.keys(secrets).length} planted, ${scan.places.length} places grepped, ${pairs.size} leaks`);
  expect(leaks).toEqual([]);
  expect(scan.unparseable()).toEqual([]);
}

describe('DuckDB: secrets from env_var(), vars and failing SQL; passwords in a project.yml that does not load', () => {
  const scan = new LeakScan();
  const model = modelSecrets();
  const varSource = `tok-${hex()}-${hex()}`;
  // Written into project.yml itself, and the file fails to load, so sqlkit never learns them as config values.
  const numericPassword = String(100_000_000_000 + Math.floor(Math.random() * 800_000_000_000));
  const brokenLinePassword = `literal-${hex()}-${hex()}`;
  const secrets = { ...model, VAULT_VAR_SOURCE: varSource, numericPassword, brokenLinePassword };
  const env = { ...model, VAULT_VAR_SOURCE: varSource, VAULT_PUBLIC_LABEL: PUBLIC_LABEL };
  let dir: string;
  let builds: CliResult[];
  let unloadable: CliResult[];

  beforeAll(async () => {
    dir = writeProject({
      'project.yml': `name: vault\n${VARS_YAML}targets:\n  dev:\n    type: duckdb\n    path: target/vault.duckdb\n    threads: 2\n`,
      ...secretModels(),
    });
    builds = await runAllWays(scan, 'duckdb', dir, ['build'], env);
    await runAllWays(scan, 'duckdb', dir, ['test'], env);
    await runAllWays(scan, 'duckdb', dir, ['compile', '-s', 'hashed uses_var broken_pin broken_quoted peek'], env);
    await runAllWays(scan, 'duckdb', dir, ['show', 'peek'], env);
    await runAllWays(scan, 'duckdb', dir, ['show', 'pin_seen'], env);
    await runAllWays(scan, 'duckdb', dir, ['ls', '--output', 'json'], env);
    await runAllWays(scan, 'duckdb', dir, ['debug'], env);
    scan.addTarget('duckdb', dir);

    const postgresTarget = (password: string) => `    type: postgres\n    host: localhost\n    user: loader\n    password: ${password}\n    database: vault\n`;
    // a bare number is the wrong type: the error says so without quoting it
    const typed = writeProject({ 'project.yml': `name: vault\ntargets:\n  dev:\n${postgresTarget(numericPassword)}`, 'models/one.sql': 'select 1 as one\n' });
    unloadable = await runAllWays(scan, 'numeric password', typed, ['run'], env);
    // a YAML syntax error on the password's line: the snippet shows the line
    const broken = writeProject({ 'project.yml': `name: vault\ntargets:\n  dev:\n${postgresTarget(`${brokenLinePassword} port: 5432`)}`, 'models/one.sql': 'select 1 as one\n' });
    unloadable.push(...(await runAllWays(scan, 'password line YAML error', broken, ['compile'], env)));
  });

  it('the secrets reached sqlkit: models failed quoting them, and what was printed shows them redacted', () => {
    expect(builds.map((r) => r.code)).toEqual([1, 1, 1, 1]);
    const text = builds[0]!.stdout;
    expect(text).toMatch(/ERROR broken_pin \(table\)\n.*Conversion Error.*\*\*\*\*\*/);
    expect(text).toMatch(/ERROR broken_quoted \(table\)\n.*Conversion Error.*\*\*\*\*\*/);
    expect(text).toMatch(/FAIL pin_seen \(test\)[\s\S]*\| \*\*\*\*\* +\|/);
    expect(scan.text('target/compiled/vault/models/hashed.sql')).toContain(`md5('${REDACTED}'`);
    expect(scan.text('target/compiled/vault/models/hashed.sql')).toContain(PUBLIC_LABEL);
    expect(scan.text('duckdb show peek --log-format json (stdout)')).toContain(`"rows":[["${REDACTED}","${REDACTED}"]]`);
    expect(unloadable.map((r) => r.code)).toEqual([2, 2, 2, 2, 2, 2, 2, 2]);
    expect(unloadable[0]!.stderr).toContain("Invalid value at 'targets.dev.password' in project.yml: expected string, got a number.");
    expect(unloadable[4]!.stderr).toMatch(/error\[CONFIG_YAML_SYNTAX\][\s\S]*\|     password: \*\*\*\*\* port: 5432/);
  });

  it('no secret in any output, JSON event, error, stack trace or file under target/', () => {
    expect(scan.places.filter((p) => p.name.includes('target/')).map((p) => p.name)).toEqual(
      expect.arrayContaining(['duckdb: target/manifest.json', 'duckdb: target/run_results.json', 'duckdb: target/vault.duckdb']),
    );
    report('duckdb', secrets, scan);
  });
});

describe.runIf(testEngines().includes('postgres'))('PostgreSQL: the password, a failed login, a failing model', () => {
  // Collected even when the engine is not under test, so nothing here may touch the server until beforeAll.
  const postgres = inject('postgres');
  const scan = new LeakScan();
  const database = `sqlkit_secrets_${hex()}`;
  const wrongPassword = `wrong-${hex()}-${hex()}`;
  const model = modelSecrets();
  const varSource = `tok-${hex()}-${hex()}`;
  const env = { ...model, VAULT_VAR_SOURCE: varSource, VAULT_PUBLIC_LABEL: PUBLIC_LABEL };
  let secrets: Record<string, string>;
  let builds: CliResult[];
  let refused: CliResult[];

  beforeAll(async () => {
    const server = postgres!;
    secrets = { ...model, VAULT_VAR_SOURCE: varSource, password: server.password, wrongPassword };
    const target = (password: string) =>
      `    type: postgres\n    host: ${server.host}\n    port: ${server.port}\n    user: ${server.user}\n    password: ${password}\n    database: ${database}\n    threads: 2\n`;
    await createDatabase(server, database);
    // The password comes from a variable whose name does not say "secret": the target's password key does.
    const dir = writeProject({
      'project.yml': `name: vault\n${VARS_YAML}targets:\n  dev:\n${target(`"{{ env_var('VAULT_PG_PW') }}"`)}`,
      ...secretModels(),
    });
    builds = await runAllWays(scan, 'postgres', dir, ['build'], { ...env, VAULT_PG_PW: server.password });
    await runAllWays(scan, 'postgres', dir, ['show', 'peek'], { ...env, VAULT_PG_PW: server.password });
    await runAllWays(scan, 'postgres', dir, ['debug'], { ...env, VAULT_PG_PW: server.password });
    scan.addTarget('postgres', dir);

    refused = await runAllWays(scan, 'postgres wrong password', dir, ['build'], { ...env, VAULT_PG_PW: wrongPassword });
    await runAllWays(scan, 'postgres wrong password', dir, ['debug'], { ...env, VAULT_PG_PW: wrongPassword });
    await runAllWays(scan, 'postgres wrong password', dir, ['show', 'hashed'], { ...env, VAULT_PG_PW: wrongPassword });
  });
  afterAll(() => dropDatabase(postgres!, database));

  it('the secrets reached sqlkit: the build ran and failed on them, the wrong password was refused', () => {
    expect(builds.map((r) => r.code)).toEqual([1, 1, 1, 1]);
    expect(builds[0]!.stdout).toMatch(/ERROR broken_pin \(table\)\n.*invalid input syntax for type integer: "\*\*\*\*\*"/);
    expect(refused.map((r) => r.code)).toEqual([2, 2, 2, 2]);
    expect(refused[0]!.stderr).toContain('error[ADAPTER_AUTH]');
  });

  it('no secret in any output, JSON event, error, stack trace or file under target/', () => {
    report('postgres', secrets, scan);
  });
});

describe.runIf(testEngines().includes('redshift'))('Redshift (stand-in): AWS keys, IAM roles, env_var() secrets, cluster', () => {
  const postgres = inject('postgres');
  const scan = new LeakScan();
  const cluster = `vault-${hex()}`;
  const aws = {
    AWS_ACCESS_KEY_ID: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
    AWS_SECRET_ACCESS_KEY: `${randomBytes(30).toString('base64')}`,
    AWS_SESSION_TOKEN: `IQoJb3JpZ2luX2Vj${randomBytes(48).toString('base64')}`,
  };
  const roles = {
    // both come from places whose names do not say "secret": an env var read by the target, and a source's YAML
    targetRole: `arn:aws:iam::${100_000_000_000 + Math.floor(Math.random() * 1e11)}:role/vault-loader-${hex()}`,
    sourceRole: `arn:aws:iam::${100_000_000_000 + Math.floor(Math.random() * 1e11)}:role/vault-source-${hex()}`,
    masterPassword: `Vault${hex()}Pw9`,
  };
  const model = modelSecrets();
  const secrets = { ...aws, ...roles, ...model, VAULT_VAR_SOURCE: `tok-${hex()}-${hex()}` };
  const env = { ...aws, ...model, AWS_REGION: 'us-east-1', VAULT_VAR_SOURCE: secrets.VAULT_VAR_SOURCE, VAULT_ROLE_ARN: roles.targetRole, VAULT_MASTER_PW: roles.masterPassword, VAULT_PUBLIC_LABEL: PUBLIC_LABEL };
  let standin: RedshiftStandin;
  let s3Root: string;
  let builds: CliResult[];
  let refused: CliResult[];
  let clusterUp: CliResult;

  beforeAll(async () => {
    s3Root = mkdtempSync(join(tmpdir(), 'sqlkit-s3-'));
    mkdirSync(join(s3Root, 'vault-bucket', 'events'), { recursive: true });
    writeFileSync(join(s3Root, 'vault-bucket', 'events', 'part-0.jsonl'), '{"id": 1, "kind": "a"}\n{"id": 2, "kind": "b"}\n');
    standin = await startRedshiftStandin({ postgres: postgres!, s3Root, clusters: [{ identifier: cluster, database: 'dev' }] });
    const dir = writeProject({
      'project.yml': `name: vault
${VARS_YAML}targets:
  dev:
    type: redshift
    cluster_identifier: ${cluster}
    database: dev
    db_user: awsuser
    region: us-east-1
    endpoint: ${standin.endpoint}
    iam_role: "{{ env_var('VAULT_ROLE_ARN') }}"
    threads: 2
    poll_initial_ms: 5
cluster:
  identifier: ${cluster}-new
  region: us-east-1
  endpoint: ${standin.endpoint}
  master_password_env: VAULT_MASTER_PW
  iam_roles: ["{{ env_var('VAULT_ROLE_ARN') }}"]
`,
      'sources/raw.yml': `sources:
  - name: raw
    schema: raw
    tables:
      - name: events
        location:
          s3: { path: "s3://vault-bucket/events", region: us-east-1, iam_role: "${roles.sourceRole}" }
        columns:
          - { name: id, type: integer }
          - { name: kind, type: varchar(8) }
      - name: more_events
        location:
          s3: { path: "s3://vault-bucket/events", region: us-east-1 }
        columns:
          - { name: id, type: integer }
          - { name: kind, type: varchar(8) }
`,
      'models/event_kinds.sql': "{{ config(materialized='table') }}\nselect kind, count(*) as n from {{ source('raw', 'events') }} group by kind\n",
      ...secretModels(),
    });
    builds = await runAllWays(scan, 'redshift', dir, ['build'], env);
    await runAllWays(scan, 'redshift', dir, ['show', 'peek'], env);
    await runAllWays(scan, 'redshift', dir, ['debug'], env);
    scan.addTarget('redshift', dir);

    // AWS echoes the access key id (and, from a misbehaving proxy, worse) in signature errors.
    standin.faults.throttle('ExecuteStatement', { times: 8, error: 'InvalidSignatureException', message: `Credential=${aws.AWS_ACCESS_KEY_ID}/20250101/us-east-1/redshift-data/aws4_request signed with ${aws.AWS_SECRET_ACCESS_KEY} token ${aws.AWS_SESSION_TOKEN}` });
    standin.faults.throttle('BatchExecuteStatement', { times: 8, error: 'InvalidSignatureException', message: `Credential=${aws.AWS_ACCESS_KEY_ID}/20250101/us-east-1/redshift-data/aws4_request` });
    refused = await runAllWays(scan, 'redshift refused', dir, ['run', '-s', 'hashed'], env);
    standin.faults.clear();

    const wait = ['--poll-min', '1', '--poll-max', '1', '--wait-timeout', '60'];
    clusterUp = scan.addRun('redshift cluster up', await runCli(['cluster', 'up', ...wait], { cwd: dir, env }), false);
    await runAllWays(scan, 'redshift', dir, ['cluster', 'status'], env);
    scan.addRun('redshift cluster down', await runCli(['cluster', 'down', '--yes', ...wait, '--log-format', 'json'], { cwd: dir, env }), true);
  });
  afterAll(async () => {
    await standin?.stop();
    if (s3Root) rmSync(s3Root, { recursive: true, force: true });
  });

  it('the secrets reached sqlkit: COPY used both roles, models failed on secrets, the signature error was reported', () => {
    expect(builds.map((r) => r.code)).toEqual([1, 1, 1, 1]);
    const copies = standin.statements.filter((s) => /^copy /i.test(s.sql));
    expect(copies.length).toBeGreaterThanOrEqual(2);
    expect(builds[0]!.stdout).toMatch(/OK +load +raw\.events +2 rows/);
    expect(builds[0]!.stdout).toMatch(/ERROR broken_pin \(table\)/);
    expect(refused[0]!.stderr).toContain('error[ADAPTER_AUTH]');
    expect(refused[0]!.stderr).toContain(`Credential=${REDACTED}/20250101`);
    expect(clusterUp.code, clusterUp.stderr).toBe(0);
    expect(clusterUp.stdout).toContain(`roles     ${REDACTED}`);
    expect(scan.text('redshift build --debug --log-format json (stdout)')).toMatch(/iam_role '\*\*\*\*\*'/);
  });

  it('no secret in any output, JSON event, error, stack trace, cluster or debug output, or file under target/', () => {
    report('redshift', secrets, scan);
  });
});
