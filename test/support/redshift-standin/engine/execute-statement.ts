import type pg from 'pg';
import { runCopy } from '../copy/run-copy.js';
import type { LoadErrorRow } from '../copy/load-errors.js';
import { createRewriteContext, parameterValues } from '../sql/rewrite-context.js';
import type { RenderedSql } from '../sql/sql-builder.js';
import { SqlError } from '../sql/sql-error.js';
import { splitStatements } from '../sql/split-statements.js';
import type { RelationName, StatementEffects, TranslatedStatement } from '../sql/statement-plan.js';
import { formatName } from '../sql/tokens.js';
import { tokenize } from '../sql/tokenizer.js';
import { translateStatement } from '../sql/translate-statement.js';
import { dropDependentViews, recreateViews, registerView, renameRegisteredView, unregisterViews } from './late-binding-views.js';
import type { Session } from './session.js';
import { toStatementError } from './statement-error.js';
import { alterTableAttributes, recordCreatedTable } from './table-attributes.js';

export interface ExecutionContext {
  strict: boolean;
  s3Root: string;
  parameters: ReadonlyMap<string, string>;
  queryId: number;
  /** TRANSACTION-mode batch: BEGIN/COMMIT/ROLLBACK are refused. */
  transactional: boolean;
  recordLoadErrors(rows: LoadErrorRow[]): Promise<void>;
}

export interface ExecutionResult {
  fields: pg.FieldDef[];
  rows: unknown[][];
  rowCount: number;
}

const NO_ROWS: ExecutionResult = { fields: [], rows: [], rowCount: 0 };

/** Every value comes back as PostgreSQL's text, which the result encoder turns into Data API fields. */
const RAW_TYPES = { getTypeParser: () => (value: string) => value };

async function query(session: Session, sql: RenderedSql, values: string[]): Promise<ExecutionResult> {
  const result = await session.client.query({ text: sql.sql, values, rowMode: 'array', types: RAW_TYPES } as pg.QueryArrayConfig);
  return { fields: result.fields, rows: result.rows, rowCount: result.rowCount ?? 0 };
}

async function relationExists(session: Session, name: RelationName): Promise<boolean> {
  const { rows } = await session.client.query('SELECT to_regclass($1) IS NOT NULL AS found', [formatName(name)]);
  return rows[0]?.found === true;
}

function needsTransaction(effects: StatementEffects): boolean {
  return Boolean(effects.relationDdl || effects.createTable || effects.registerLateBindingView || effects.dropViews || effects.rename || effects.alterAttributes);
}

async function executeDdl(session: Session, sql: RenderedSql | null, effects: StatementEffects, values: string[]): Promise<ExecutionResult> {
  const client = session.client;
  return session.inTransactionDo(async () => {
    if (effects.relationDdl) await dropDependentViews(client, effects.relationDdl.targets, effects.relationDdl.schemas);
    if (effects.registerLateBindingView) await registerView(client, effects.registerLateBindingView);
    if (effects.dropViews) await unregisterViews(client, effects.dropViews);
    const renamedView = effects.rename ? await renameRegisteredView(client, effects.rename.from, effects.rename.to) : false;
    const existed = effects.createTable?.ifNotExists ? await relationExists(session, effects.createTable.table) : false;
    const result = sql && !renamedView ? await query(session, sql, values) : NO_ROWS;
    if (effects.createTable && !existed) await recordCreatedTable(client, effects.createTable);
    if (effects.alterAttributes) await alterTableAttributes(client, effects.alterAttributes);
    await recreateViews(client);
    return result;
  });
}

async function executeTranslated(session: Session, translated: TranslatedStatement, values: string[], ctx: ExecutionContext): Promise<ExecutionResult> {
  switch (translated.kind) {
    case 'noop':
      return NO_ROWS;
    case 'transaction':
      if (ctx.transactional) throw new SqlError(`${translated.action.toUpperCase()} is not allowed in a TRANSACTION mode batch`);
      await session.client.query(translated.sql.sql);
      session.inTransaction = translated.action === 'begin';
      return NO_ROWS;
    case 'copy': {
      const rows = await session.inTransactionDo(() =>
        runCopy(translated.copy, {
          client: session.client,
          s3Root: ctx.s3Root,
          queryId: ctx.queryId,
          sessionPid: session.pid,
          recordLoadErrors: (errors) => ctx.recordLoadErrors(errors),
        }),
      );
      return { fields: [], rows: [], rowCount: rows };
    }
    case 'sql': {
      const { effects, sql } = translated;
      if (effects.notInTransaction && session.inTransaction) throw new SqlError(`${effects.notInTransaction} cannot run inside a transaction block`);
      if (effects.truncate && session.inTransaction) {
        // Redshift's TRUNCATE commits the open transaction; what ran before it can no longer be rolled back.
        await session.commit();
        const result = await query(session, sql!, values);
        await session.begin();
        return result;
      }
      if (needsTransaction(effects)) return executeDdl(session, sql, effects, values);
      return sql ? query(session, sql, values) : NO_ROWS;
    }
  }
}

/** Translates and runs one Redshift statement in the session. Throws a StatementError worded as Redshift would. */
export async function executeStatement(session: Session, redshiftSql: string, ctx: ExecutionContext): Promise<ExecutionResult> {
  let rendered: RenderedSql | undefined;
  try {
    const statements = splitStatements(tokenize(redshiftSql));
    if (statements.length === 0) throw new SqlError('syntax error at end of input', redshiftSql.length);
    // The Data API prepares each Sql; PostgreSQL's extended protocol refuses more than one command.
    if (statements.length > 1) throw new SqlError('cannot insert multiple commands into a prepared statement');
    const rewrite = createRewriteContext(ctx.strict, ctx.parameters);
    const translated = translateStatement(statements[0]!, rewrite);
    if (translated.kind === 'sql' && translated.sql) rendered = translated.sql;
    return await executeTranslated(session, translated, parameterValues(rewrite), ctx);
  } catch (error) {
    throw toStatementError(error, rendered);
  }
}
