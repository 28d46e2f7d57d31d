import { inject, test, expect } from 'vitest';
import pg from 'pg';
test('pg', async () => {
  const info = inject('postgres');
  expect(info).not.toBeNull();
  const c = new pg.Client(info!);
  await c.connect();
  const r = await c.query("select version(), current_setting('TimeZone') tz, current_setting('max_connections') mc, current_setting('fsync') f");
  console.log(r.rows);
  await c.query(`CREATE COLLATION IF NOT EXISTS ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)`);
  await c.end();
});
