import type { TargetConfig } from '../config/index.js';
import type { Adapter } from './types.js';

/** Loads an engine's adapter (and its driver package) only when a run targets that engine. */
export async function createAdapter(target: TargetConfig, projectRoot: string): Promise<Adapter> {
  switch (target.type) {
    case 'duckdb': {
      const { createDuckdbAdapter } = await import('./duckdb/duckdb-adapter.js');
      return createDuckdbAdapter(target, projectRoot);
    }
    case 'postgres': {
      const { createPostgresAdapter } = await import('./postgres/postgres-adapter.js');
      return createPostgresAdapter(target);
    }
    case 'redshift': {
      const { createRedshiftAdapter } = await import('./redshift/redshift-adapter.js');
      return createRedshiftAdapter(target);
    }
  }
}
