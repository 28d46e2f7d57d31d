import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lineOf } from '../support/compile-files.js';
import { queryDuckdb } from '../support/duckdb-query.js';
import { runCli, type CliResult } from '../support/sqlkit-cli.js';
import { duckdbProjectYml, removeTempProjects, writeProject } from '../support/temp-project.js';

interface NodeResultEvent {
  name: string;
  status: string;
  message: string;
  compiledPath?: string;
  error?: { code: string; message: string; file?: string; line?: number; hint?: string; related?: { file: string; line?: number }[] };
}

async function run(dir: string, args: string[] = ['run']): Promise<{ result: CliResult; byName: Record<string, NodeResultEvent> }> {
  const result = await runCli([...args, '--log-format', 'json'], { cwd: dir });
  const events = result.stdout
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as { event: string; result?: NodeResultEvent });
  expect(events.filter((e) => e.event === 'error'), 'no compile or CLI errors').toEqual([]);
  return { result, byName: Object.fromEntries(events.filter((e) => e.event === 'node_finished').map((e) => [e.result!.name, e.result!])) };
}

const BASE = "{{ config(materialized='table') }}\nselect 1 as id, 'ada' as name\nunion all\nselect 2, 'grace'\n";

// Each model is good first; the test then rewrites it with the same column misspelt on a known line.
const GOOD = {
  people: "{{ config(materialized='table') }}\n-- people, renamed\nselect\n  id,\n  name as person\nfrom {{ ref('base') }}\n",
  named: "{{ config(materialized='ephemeral') }}\nselect id, name\nfrom {{ ref('base') }}\nwhere name is not null\n",
  on_ephemeral: "{{ config(materialized='table') }}\nselect\n  id,\n  upper(name) as shout\nfrom {{ ref('named') }}\n",
  people_view: "select\n  id,\n  name\nfrom {{ ref('base') }}\nwhere id > 0\n",
  downstream: "{{ config(materialized='table') }}\nselect count(*) as n from {{ ref('people') }}\n",
};
const BROKEN = {
  people: GOOD.people.replace('  name as person', '  nmae as person'),
  on_ephemeral: GOOD.on_ephemeral.replace('upper(name)', 'upper(nmae)'),
  people_view: GOOD.people_view.replace('where id > 0', 'wher id > 0'),
};

describe('SQL errors in models, on DuckDB', () => {
  let dir: string;
  let second: { result: CliResult; byName: Record<string, NodeResultEvent> };
  const compiled = (name: string) => readFileSync(join(dir, 'target/compiled/demo/models', `${name}.sql`), 'utf8').split('\n');

  beforeAll(async () => {
    dir = writeProject({
      'project.yml': duckdbProjectYml(),
      'models/base.sql': BASE,
      ...Object.fromEntries(Object.entries(GOOD).map(([name, sql]) => [`models/${name}.sql`, sql])),
    });
    const first = await run(dir);
    expect(first.result.code).toBe(0);
    for (const [name, sql] of Object.entries(BROKEN)) writeFileSync(join(dir, 'models', `${name}.sql`), sql);
    second = await run(dir);
  });
  afterAll(removeTempProjects);

  it('exits 1 and marks each broken model as an error, the others as run or skipped', () => {
    expect(second.result.code).toBe(1);
    const statuses = Object.fromEntries(Object.entries(second.byName).map(([name, r]) => [name, r.status]));
    expect(statuses).toEqual({ base: 'success', people: 'error', on_ephemeral: 'error', people_view: 'error', downstream: 'skipped' });
  });

  it('a misspelt column: ADAPTER_SQL at the compiled file and its line, the model file related, the engine message kept', () => {
    const error = second.byName['people']!.error!;
    expect(error.code).toBe('ADAPTER_SQL');
    expect(error.file).toBe('target/compiled/demo/models/people.sql');
    // No ephemeral model above it: the compiled SQL keeps the model's line numbers.
    expect(error.line).toBe(lineOf(BROKEN.people, 'nmae'));
    expect(compiled('people')[error.line! - 1]).toContain('nmae');
    expect(error.related).toEqual([{ file: 'models/people.sql' }]);
    expect(error.message).toMatch(/^Binder Error: .*"nmae"/);
    expect(error.hint).toContain('models/people.sql');
    expect(error.hint).toContain('target/compiled/demo/models/people.sql');
  });

  it('with an ephemeral model inlined above it as a CTE, the line is still the one in the compiled file', () => {
    const error = second.byName['on_ephemeral']!.error!;
    expect(error).toMatchObject({ code: 'ADAPTER_SQL', file: 'target/compiled/demo/models/on_ephemeral.sql', related: [{ file: 'models/on_ephemeral.sql' }] });
    const lines = compiled('on_ephemeral');
    expect(lines.filter((l) => l.includes('nmae'))).toHaveLength(1);
    expect(lines[error.line! - 1]).toContain('upper(nmae)');
    // The CTE pushed the query down: the model's own line number would point elsewhere.
    expect(error.line).toBeGreaterThan(lineOf(BROKEN.on_ephemeral, 'nmae'));
    expect(lines.some((l) => l.includes('__sqlkit_cte__named'))).toBe(true);
  });

  it('a syntax error in a view maps to its line too', () => {
    const error = second.byName['people_view']!.error!;
    expect(error).toMatchObject({ code: 'ADAPTER_SQL', file: 'target/compiled/demo/models/people_view.sql', line: lineOf(BROKEN.people_view, 'wher') });
    expect(error.message).toMatch(/^Parser Error: syntax error/);
  });

  it("leaves the failing models' previous table and view in place", async () => {
    const db = join(dir, 'target', 'demo.duckdb');
    expect(await queryDuckdb(db, 'select id, person from main.people order by id')).toEqual([
      { id: 1, person: 'ada' },
      { id: 2, person: 'grace' },
    ]);
    expect(await queryDuckdb(db, 'select id, shout from main.on_ephemeral order by id')).toEqual([
      { id: 1, shout: 'ADA' },
      { id: 2, shout: 'GRACE' },
    ]);
    expect(await queryDuckdb(db, 'select count(*)::int as n from main.people_view')).toEqual([{ n: 2 }]);
    expect(await queryDuckdb(db, "select table_name from information_schema.tables where table_name like '%__sqlkit_%'")).toEqual([]);
  });

  it('prints the compiled file:line, the model file and the hint in the text output, without a stack trace', async () => {
    const result = await runCli(['run', '--select', 'people'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`target/compiled/demo/models/people.sql:${lineOf(BROKEN.people, 'nmae')} error[ADAPTER_SQL]: Binder Error`);
    expect(result.stdout).toContain('see models/people.sql');
    expect(result.stdout).toContain('hint: Fix the SQL in models/people.sql');
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/^\s+at /m);
  });
});
