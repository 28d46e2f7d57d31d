import type { DuckdbTarget } from '../../config/index.js';
import { plural } from '../../util/text.js';
import type { Adapter, Capabilities, ErrorContext, RunRegistry, Session, SourceLoadRequest } from '../types.js';
import { DuckdbDialect } from './duckdb-dialect.js';
import { DuckdbDriver } from './duckdb-driver.js';
import { translateDuckdbError } from './duckdb-errors.js';
import { DuckdbIntrospector } from './duckdb-introspector.js';
import { duckdbTableAppends } from './duckdb-row-groups.js';
import { loadDuckdbSource } from './duckdb-source-loader.js';

const CAPABILITIES: Capabilities = {
  viewsBindByName: true,
  supportsReplaceView: true,
  maxIdentifierLength: 255,
  loadsLocalFiles: true,
};

/** DuckDB's file lock lets one process at a time open the database, so the run that left a relation behind is over. */
const SINGLE_WRITER: RunRegistry = {
  begin: async () => undefined,
  liveRuns: async () => new Set(),
  end: async () => undefined,
};

export function createDuckdbAdapter(target: DuckdbTarget, projectRoot: string): Adapter {
  const driver = new DuckdbDriver(target, projectRoot);
  const dialect = new DuckdbDialect();
  const appends = duckdbTableAppends(dialect);
  return {
    engine: 'duckdb',
    target,
    dialect,
    capabilities: CAPABILITIES,
    introspector: new DuckdbIntrospector(dialect),
    driver,
    runs: SINGLE_WRITER,
    appends,
    loadSource: (session: Session, request: SourceLoadRequest) => loadDuckdbSource(session, request, dialect, appends),
    translateError: (error: unknown, context: ErrorContext) => translateDuckdbError(error, context, driver.databasePath),
    describe: () => `duckdb ${driver.databasePath} (schema ${target.schema}, ${plural(target.threads, 'thread')})`,
  };
}
