import type { PostgresTarget } from '../../config/index.js';
import { plural } from '../../util/text.js';
import type { Adapter, Capabilities, ErrorContext, Session, SourceLoadRequest } from '../types.js';
import { PostgresDialect } from './postgres-dialect.js';
import { PostgresDriver, type PostgresSession } from './postgres-driver.js';
import { translatePostgresError } from './postgres-errors.js';
import { PostgresIntrospector } from './postgres-introspector.js';
import { PostgresRunLock } from './postgres-run-lock.js';
import { loadPostgresSource } from './postgres-source-loader.js';

const CAPABILITIES: Capabilities = {
  // Views bind to the table's OID: a swapped table needs its dependent views rebuilt.
  viewsBindByName: false,
  // CREATE OR REPLACE VIEW cannot drop or retype columns.
  supportsReplaceView: false,
  maxIdentifierLength: 63,
  loadsLocalFiles: true,
};

export function createPostgresAdapter(target: PostgresTarget): Adapter {
  const driver = new PostgresDriver(target);
  const dialect = new PostgresDialect();
  const where = `${target.host}:${target.port}/${target.database}`;
  return {
    engine: 'postgres',
    target,
    dialect,
    capabilities: CAPABILITIES,
    introspector: new PostgresIntrospector(),
    driver,
    runs: new PostgresRunLock(() => driver.newClient()),
    loadSource: (session: Session, request: SourceLoadRequest) => loadPostgresSource(session as PostgresSession, request, dialect),
    translateError: (error: unknown, context: ErrorContext) => translatePostgresError(error, context, where),
    describe: () => `postgres ${target.user}@${where} (schema ${target.schema}, ${plural(target.threads, 'thread')})`,
  };
}
