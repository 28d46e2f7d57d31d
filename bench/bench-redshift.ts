import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedshiftDataApiDriver } from '../src/adapters/redshift/redshift-data-api-driver.js';
import { redshiftTargetSchema } from '../src/config/index.js';
import { startPostgresServer } from '../test/support/postgres-server.js';
import { startRedshiftStandin } from '../test/support/redshift-standin/index.js';
import { median } from './measure.js';
import { result, round, type BenchResult } from './result.js';

/**
 * The Redshift path's own cost: wall time from ExecuteStatement to a FINISHED DescribeStatement, through sqlkit's
 * Data API driver and the real AWS SDK, against the stand-in's own execution time for the statement (its
 * Duration). The statements are held in the stand-in for 1, 2 and 4 s, the sizes the target speaks of.
 */
export async function benchRedshift(reps: number): Promise<BenchResult[]> {
  process.env.AWS_ACCESS_KEY_ID ??= 'AKIAIOSFODNN7EXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'bench-secret-key-not-real';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const postgres = await startPostgresServer();
  const s3Root = mkdtempSync(join(tmpdir(), 'sqlkit-bench-s3-'));
  const standin = await startRedshiftStandin({ postgres, s3Root, clusters: [{ identifier: 'bench', database: 'dev' }] });
  const driver = new RedshiftDataApiDriver(
    redshiftTargetSchema.parse({ type: 'redshift', cluster_identifier: 'bench', database: 'dev', db_user: 'awsuser', region: 'us-east-1', endpoint: standin.endpoint, threads: 1 }),
  );
  const results: BenchResult[] = [];
  try {
    for (const seconds of [1, 2, 4]) {
      const walls: number[] = [];
      const durations: number[] = [];
      for (let i = 0; i < reps; i++) {
        const marker = `bench_${seconds}_${i}`;
        standin.faults.slowStatement(marker, seconds * 1000);
        const started = performance.now();
        const id = await driver.submit([`select 1 as ${marker}`]);
        const described = await driver.wait(id, {});
        walls.push(performance.now() - started);
        durations.push(Number(described.Duration) / 1e6);
      }
      const wall = median(walls);
      const own = median(durations);
      results.push(
        result(`Redshift Data API, ${seconds} s statement (stand-in)`, wall, 'ms', "stand-in's own execution time", own, 'overhead < 5%', wall / own < 1.05, {
          overheadPercent: round(((wall - own) / own) * 100),
        }),
      );
    }
  } finally {
    await driver.close();
    await standin.stop();
    await postgres.stop();
    rmSync(s3Root, { recursive: true, force: true });
  }
  return results;
}
