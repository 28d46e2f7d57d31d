import { describe, expect, it } from 'vitest';
import { useEngine, type EngineContext } from '../support/engine-harness.js';
import { testEngines } from '../support/engines.js';
import { readRunResults, runCli } from '../support/sqlkit-cli.js';
import { writeProject } from '../support/temp-project.js';

/** Rows of the raw model per day: (id, version, note). */
const DAYS: Record<number, [number, number, string][]> = {
  1: [[1, 1, 'keep'], [2, 1, 'old'], [3, 5, 'sqlkit_new']],
  2: [[2, 3, 'new'], [3, 6, 'new'], [4, 3, 'new']],
};

const rawModel = `{{ config(materialized='table') }}
{% for row in var('rows') %}
select {{ row[0] }} as id, {{ row[1] }} as version, '{{ row[2] }}' as note{% if not loop.last %} union all{% endif %}
{% endfor %}`;

/**
 * incremental_predicates narrow the delete of delete+insert to part of the target, as in dbt: sqlkit_dest and
 * sqlkit_new name the target and the new rows on every engine. The new rows are staged in a temporary table on
 * PostgreSQL and in a table beside the target on Redshift; DuckDB inserts them straight from the query and names
 * the rows it added sqlkit_new.
 */
describe.each(testEngines())('incremental merges on %s', (engine) => {
  let ctx: EngineContext;
  useEngine(engine, (started) => (ctx = started));
  const schema = engine === 'duckdb' ? 'main' : 'public';

  const project = (config: string) =>
    writeProject({
      'project.yml': `name: merges\ntargets:\n  dev:\n${ctx.targetYaml('')}`,
      'models/raw.sql': rawModel,
      'models/versions.sql': `{{ config(${config}) }}
select id, version, note from {{ ref('raw') }}
{% if is_incremental() %}where version > 1 and note = 'new'{% endif %}`,
    });
  const run = (dir: string, day: number) => runCli(['run', '--log-format', 'json', '--debug', '--vars', JSON.stringify({ rows: DAYS[day] })], { cwd: dir, env: ctx.env });
  const rows = async (dir: string) =>
    (await ctx.query(`select id, version, note from ${schema}.versions order by id, version`, dir)).map((r) => [Number(r.id), Number(r.version), r.note]);
  const statementsOf = (stdout: string, uniqueId: string) =>
    stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { event: string; uniqueId?: string; sql?: string })
      .filter((e) => e.event === 'statement' && e.uniqueId === uniqueId)
      .map((e) => e.sql!);

  it('deletes only target rows the predicates allow, and leaves no staging table', async () => {
    const dir = project(
      `materialized='incremental', unique_key='id', incremental_predicates=["sqlkit_dest.version >= (select min(version) from sqlkit_new)", "sqlkit_dest.note <> 'sqlkit_new'"]`,
    );
    const first = await run(dir, 1);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const second = await run(dir, 2);
    expect(second.code, second.stdout + second.stderr).toBe(0);

    // Id 2's old row has version 1, below the new rows' lowest (3): the first predicate keeps it. Id 3's old row has
    // the note 'sqlkit_new', a string the second predicate compares with, not a table: it is kept too.
    expect(await rows(dir)).toEqual([
      [1, 1, 'keep'],
      [2, 1, 'old'],
      [2, 3, 'new'],
      [3, 5, 'sqlkit_new'],
      [3, 6, 'new'],
      [4, 3, 'new'],
    ]);
    expect(readRunResults(dir).results.find((r) => r.name === 'versions')!.message).toBe('3 rows inserted');

    const sent = statementsOf(second.stdout, 'model.merges.versions');
    // DuckDB inserts the new rows straight from the query (a statement that reads no rows gives its columns), the
    // others stage them.
    const staging = { redshift: /^create table "public"\."versions__sqlkit_incr_\w+"/, postgres: /^create temporary table "pg_temp"\."versions__sqlkit_incr_\w+"/, duckdb: /^select \* from \(\n[\s\S]*\n\) as sqlkit_model limit 0$/ };
    expect(sent[0]).toMatch(staging[engine]);
    const remove = sent.find((sql) => / using /.test(sql) && /^(with sqlkit_new as [\s\S]*\n)?delete from /.test(sql))!;
    expect(remove).toContain(`and ("${schema}"."versions".version >= (select min(version) from ${engine === 'duckdb' ? 'sqlkit_new' : '"'}`);
    expect(remove).toContain(`and ("${schema}"."versions".note <> 'sqlkit_new')`);
    const leftovers = await ctx.query("select table_name from information_schema.tables where table_name like '%sqlkit_incr%'", dir);
    expect(leftovers).toEqual([]);
  });

  it('without predicates, the same runs replace every matching row', async () => {
    const dir = project("materialized='incremental', unique_key='id'");
    expect((await run(dir, 1)).code).toBe(0);
    const second = await run(dir, 2);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(await rows(dir)).toEqual([
      [1, 1, 'keep'],
      [2, 3, 'new'],
      [3, 6, 'new'],
      [4, 3, 'new'],
    ]);
  });
});
