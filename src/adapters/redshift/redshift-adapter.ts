import type { RedshiftTarget } from '../../config/index.js';
import { plural } from '../../util/text.js';
import type { Adapter, Capabilities, ErrorContext, Session, SourceLoadRequest } from '../types.js';
import { RedshiftDataApiDriver } from './redshift-data-api-driver.js';
import { RedshiftDialect } from './redshift-dialect.js';
import { translateRedshiftError } from './redshift-errors.js';
import { RedshiftIntrospector } from './redshift-introspector.js';
import { RedshiftRunRegistry } from './redshift-run-registry.js';
import { loadRedshiftSource } from './redshift-source-loader.js';

const CAPABILITIES: Capabilities = {
  // Regular (schema-bound) views follow a renamed table like PostgreSQL's; late-binding ones are unaffected.
  viewsBindByName: false,
  supportsReplaceView: false,
  maxIdentifierLength: 127,
  // Redshift reads sources from S3 with COPY, never from the machine running sqlkit.
  loadsLocalFiles: false,
};

export function createRedshiftAdapter(target: RedshiftTarget): Adapter {
  const driver = new RedshiftDataApiDriver(target);
  const dialect = new RedshiftDialect();
  const where = target.cluster_identifier ? `cluster ${target.cluster_identifier}` : `workgroup ${target.workgroup_name}`;
  return {
    engine: 'redshift',
    target,
    dialect,
    capabilities: CAPABILITIES,
    introspector: new RedshiftIntrospector(),
    driver,
    runs: new RedshiftRunRegistry(driver, dialect, target),
    loadSource: (session: Session, request: SourceLoadRequest) => loadRedshiftSource(session, request, dialect, target),
    translateError: (error: unknown, context: ErrorContext) => translateRedshiftError(error, context, where),
    describe: () => `redshift ${where} database ${target.database} in ${target.region} via the Data API${target.endpoint ? ` at ${target.endpoint}` : ''} (schema ${target.schema}, ${plural(target.threads, 'thread')})`,
  };
}
