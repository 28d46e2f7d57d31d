import { describe, expect, it } from 'vitest';
import { useEngine, type EngineContext } from '../support/engine-harness.js';
import { testEngines } from '../support/engines.js';
import { readRunResults } from '../support/sqlkit-cli.js';
import { writeProject } from '../support/temp-project.js';
import { startCli } from './live-cli.js';

/** 59 characters: with `__sqlkit_new_<run id>` (23) appended, PostgreSQL's 63 forces a cut inside the shared part. */
const PREFIX = 'customer_lifetime_value_by_acquisition_channel_and_region_';
const MAX_IDENTIFIER = 63;

/**
 * Temporary relations and --store-failures tables are named after their model or test, cut to fit PostgreSQL's 63
 * characters. Names that share their first characters must not collide when cut: a short hash of the full name
 * keeps them apart, so two long models build concurrently into their own tables and two long tests keep their own
 * failing rows.
 */
describe.runIf(testEngines().includes('postgres'))('long names on PostgreSQL', () => {
  let ctx: EngineContext;
  useEngine('postgres', (started) => (ctx = started));

  it('two long model names sharing a prefix build into their own temporary and final tables', async () => {
    const dir = writeProject({
      'project.yml': `name: names\ntargets:\n  dev:\n${ctx.targetYaml('')}    schema: names\n`,
      [`models/${PREFIX}a.sql`]: "{{ config(materialized='table') }}\nselect 'a' as model, {{ var('version') }} as version",
      [`models/${PREFIX}b.sql`]: "{{ config(materialized='table') }}\nselect 'b' as model, {{ var('version') }} as version",
      [`models/${PREFIX}c.sql`]: "{{ config(materialized='incremental', unique_key='model') }}\nselect 'c' as model, {{ var('version') }} as version",
      [`models/${PREFIX}d.sql`]: "{{ config(materialized='incremental', unique_key='model') }}\nselect 'd' as model, {{ var('version') }} as version",
    });
    const models = ['a', 'b', 'c', 'd'];
    const statements: string[] = [];
    for (const version of [1, 2]) {
      // Four threads: the four models build at the same time, so colliding names would clash within one run.
      const run = startCli(['run', '--threads', '4', '--vars', `{version: ${version}}`], { cwd: dir, env: ctx.env });
      const exited = await run.done;
      expect(exited.code, exited.stdout + exited.stderr).toBe(0);
      statements.push(...run.events.filter((e) => e.event === 'statement').map((e) => String(e.sql)));
      for (const m of models) {
        expect(await ctx.query(`select model, version from names."${PREFIX}${m}"`, dir)).toEqual([{ model: m, version }]);
      }
    }
    expect(readRunResults(dir).results.map((r) => r.status)).toEqual(['success', 'success', 'success', 'success']);

    const temporary = [...new Set(statements.join('\n').match(/"[^"]*__sqlkit_(?:new|old|incr)_[a-z0-9]+"/g)!.map((q) => q.slice(1, -1)))];
    // The first run builds each model under a new name; the second swaps the tables (new, old) and stages the
    // incrementals (incr). Run ids differ, so every name is distinct.
    expect(temporary).toHaveLength(4 + 2 * 2 + 2);
    for (const name of temporary) expect(name.length).toBeLessThanOrEqual(MAX_IDENTIFIER);
    // Without the run id, one name per model and kind: the cut names of different models never coincide.
    const stems = (kind: string) => new Set(temporary.filter((name) => name.includes(`__sqlkit_${kind}_`)).map((name) => name.replace(/_[a-z0-9]+$/, '')));
    expect([stems('new').size, stems('old').size, stems('incr').size]).toEqual([4, 2, 2]);
    expect(await ctx.query("select relname from pg_class where relname like '%\\_\\_sqlkit\\_%'", dir)).toEqual([]);
  });

  it('two long test names sharing a prefix store their failing rows in separate tables', async () => {
    const dir = writeProject({
      'project.yml': `name: failures\ntargets:\n  dev:\n${ctx.targetYaml('')}    schema: fails\n`,
      'models/orders.sql': "{{ config(materialized='table') }}\nselect 1 as id, -5 as amount union all select 2, -7 union all select 3, 10",
      [`data-tests/${PREFIX}negative.sql`]: "select * from {{ ref('orders') }} where amount < 0",
      [`data-tests/${PREFIX}positive.sql`]: "select * from {{ ref('orders') }} where amount > 0",
    });
    const run = startCli(['build', '--store-failures'], { cwd: dir, env: ctx.env });
    const exited = await run.done;
    expect(exited.code, exited.stdout + exited.stderr).toBe(1);
    const results = readRunResults(dir).results;
    const stored = (name: string) => /stored in (\S+?);/.exec(results.find((r) => r.name === name)!.message)?.[1];
    const negative = stored(`${PREFIX}negative`)!;
    const positive = stored(`${PREFIX}positive`)!;
    expect(negative).toBeDefined();
    expect(positive).toBeDefined();
    expect(negative).not.toBe(positive);
    for (const table of [negative, positive]) expect(table.split('.')[1]!.length).toBeLessThanOrEqual(MAX_IDENTIFIER - 30);
    const [schema] = negative.split('.');
    expect(schema).toBe('fails_test_failures');
    const quote = (qualified: string) => qualified.split('.').map((p) => `"${p}"`).join('.');
    expect(await ctx.query(`select id from ${quote(negative)} order by id`, dir)).toEqual([{ id: 1 }, { id: 2 }]);
    expect(await ctx.query(`select id from ${quote(positive)} order by id`, dir)).toEqual([{ id: 3 }]);
  });
});
