import { describe, expect, inject, it } from 'vitest';
import { waitUntil } from '../reliability/live-cli.js';
import { useEngine, type EngineContext } from '../support/engine-harness.js';
import { testEngines } from '../support/engines.js';
import { runCli } from '../support/sqlkit-cli.js';
import { writeProject } from '../support/temp-project.js';
import { backingDatabase, connect, waitingOnLock } from './concurrency-support.js';

/**
 * Two runs merging the same new keys into one incremental model at once. Under read committed each delete would
 * miss the other's uncommitted insert and both inserts would land; the merge locks the table first (SHARE ROW
 * EXCLUSIVE: readers pass, writers queue), so the second merge sees the first's rows and replaces them.
 */
describe.skipIf(!testEngines().includes('postgres'))('incremental merges racing on postgres', () => {
  let ctx: EngineContext;
  useEngine('postgres', (started) => (ctx = started));

  it('two runs merging the same new keys leave each key once', async () => {
    const schema = 'merge_race';
    const dir = writeProject({
      'project.yml': `name: race\ntargets:\n  dev:\n${ctx.targetYaml('')}    schema: ${schema}\n`,
      'sources/feed.yml': `sources:\n  - name: app\n    schema: ${schema}_feed\n    tables:\n      - name: feed\n`,
      'models/merged.sql': `{{ config(materialized='incremental', unique_key='id') }}
select id, id * 2 as doubled from {{ source('app', 'feed') }}
{% if is_incremental() %}where id > (select max(id) from {{ this }}){% endif %}`,
    });
    const db = await connect(backingDatabase(ctx, inject('postgres')!));
    const blocker = await connect(backingDatabase(ctx, inject('postgres')!));
    try {
      await db.query(`create schema if not exists ${schema}_feed; create table ${schema}_feed.feed as select generate_series(1, 100) as id`);
      const setup = await runCli(['run'], { cwd: dir, env: ctx.env });
      expect(setup.code, setup.stdout + setup.stderr).toBe(0);
      await db.query(`insert into ${schema}_feed.feed select generate_series(101, 150)`);

      // Both runs build their staging tables (reads pass a SHARE lock) and then queue on the merge.
      await blocker.query('begin');
      await blocker.query(`lock table ${schema}.merged in share mode`);
      const first = runCli(['run'], { cwd: dir, env: ctx.env });
      const second = runCli(['run'], { cwd: dir, env: ctx.env });
      await waitUntil(async () => (await waitingOnLock(ctx, dir, '"merged"')) >= 2, 'both runs wait to merge');
      await blocker.query('commit');
      const [a, b] = await Promise.all([first, second]);
      expect(a.code, a.stdout + a.stderr).toBe(0);
      expect(b.code, b.stdout + b.stderr).toBe(0);

      const { rows } = await db.query(`select count(*)::int as n, count(distinct id)::int as ids, sum(doubled)::int as total from ${schema}.merged`);
      expect(rows[0]).toEqual({ n: 150, ids: 150, total: 150 * 151 });
    } finally {
      await blocker.end();
      await db.end();
    }
  });
});
