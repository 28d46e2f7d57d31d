import type {} from 'vitest';
import type { PostgresConnectionInfo } from './postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's shared PostgreSQL server, or null when neither postgres nor redshift is under test. */
    postgres: PostgresConnectionInfo | null;
  }
}

export type { PostgresConnectionInfo };
