import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import copyStreams from 'pg-copy-streams';
import { swapStatements } from '../../materializations/swap.js';
import { columnPlans } from '../loading/column-plans.js';
import { convertDocument, copyTextLine, parseJsonDocument, type ColumnPlan } from '../loading/json-row-converter.js';
import { loadFailure, MALFORMED_JSON } from '../loading/load-failure.js';
import { insertLoadErrors } from '../loading/load-errors-table.js';
import { sqlTimestamp } from '../loading/sql-timestamp.js';
import { splitJsonValues } from '../loading/concatenated-json.js';
import { loadBookkeeping, planLocalLoad, unchangedLoad } from '../loading/file-stamps.js';
import { projectRelative } from '../loading/source-files.js';
import type { LoadError, SourceLoadRequest, SourceLoadResult } from '../types.js';
import type { PostgresDialect } from './postgres-dialect.js';
import type { PostgresSession } from './postgres-driver.js';

/**
 * PostgreSQL cannot read the client's files, so rows stream through COPY FROM STDIN into a new table, inside one
 * transaction that also swaps the table in. Values follow Redshift COPY's rules (shared with the other engines).
 */
export async function loadPostgresSource(session: PostgresSession, request: SourceLoadRequest, dialect: PostgresDialect): Promise<SourceLoadResult> {
  const { node, spec, columns, projectRoot } = request;
  const { stamps, plan, summary } = await planLocalLoad(request);
  if (plan.mode === 'unchanged') return unchangedLoad(session, request, dialect, summary);
  const files = plan.files;
  const plans = columnPlans(request);
  const client = session.client;
  const statements: string[] = [];
  const errors: LoadError[] = [];
  let errorCount = 0;
  let rows = 0;
  const keep = spec.maxErrors + 1;
  const reject = (error: LoadError) => {
    errorCount++;
    if (errors.length < keep) errors.push(error);
  };

  await client.query('begin');
  try {
    // New files of an incremental source go straight into the table, inside this transaction.
    const into = plan.mode === 'append' ? request.target : request.staging;
    const create = dialect.createTable(request.staging, columns);
    const copy = `copy ${dialect.quoteRelation(into)} (${columns.map((c) => dialect.quoteIdentifier(c.name)).join(', ')}) from stdin`;
    if (plan.mode === 'replace') {
      statements.push(create);
      await client.query(create);
    }
    statements.push(copy);
    const stream = client.query(copyStreams.from(copy));
    const finished = new Promise<void>((resolve, reject) => {
      stream.on('finish', resolve);
      stream.on('error', reject);
    });
    const write = async (line: string) => {
      if (!stream.write(line)) await once(stream, 'drain');
    };
    for (const file of files) {
      if (errorCount > spec.maxErrors || request.signal?.aborted) break;
      const relative = projectRelative(projectRoot, file);
      for await (const doc of documents(file, spec.format, relative, reject)) {
        const converted = convertDocument(doc.value, plans, spec.timeformat, spec.mapping === 'jsonpaths');
        if ('error' in converted) reject({ file: relative, line: doc.line, ...(converted.column ? { column: converted.column } : {}), reason: converted.error, rawLine: doc.raw });
        else {
          await write(copyTextLine(converted.values));
          rows++;
        }
        if (errorCount > spec.maxErrors) break;
      }
    }
    stream.end();
    await finished;
    if (request.signal?.aborted) throw request.signal.reason ?? new Error('interrupted');
    if (errorCount > spec.maxErrors) {
      await client.query('rollback');
      await recordErrors(session, request, dialect, errors, statements);
      throw loadFailure(node, errors, errorCount, spec.maxErrors, request.loadErrors);
    }
    const swap = plan.mode === 'replace' ? await request.wrapSwap(swapStatements(dialect, request.staging, 'table', request.target, request.backup, request.existing)) : [];
    const bookkeeping = loadBookkeeping(request, dialect, plan, stamps, summary, sqlTimestamp());
    for (const sql of [...swap, ...bookkeeping]) {
      statements.push(sql);
      await client.query(sql);
    }
    if (errors.length) await recordErrors(session, request, dialect, errors, statements);
    await client.query('commit');
    return { rowsLoaded: rows, rejected: errors, statements, mode: plan.mode, files: files.length, ...(plan.mode === 'replace' ? { note: plan.reason } : {}), ...(summary ? { recordDigest: summary.files } : {}) };
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  }
}

interface Document {
  value: unknown;
  line: number;
  raw: string;
}

async function* documents(file: string, format: 'jsonl' | 'json', relative: string, reject: (e: LoadError) => void): AsyncGenerator<Document> {
  if (format === 'json') {
    // Whitespace-separated documents, spanning lines or not, as COPY ... FORMAT JSON reads a file.
    for (const span of splitJsonValues(readFileSync(file, 'utf8'))) {
      if (!span.ok) {
        reject({ file: relative, line: span.line, reason: MALFORMED_JSON, rawLine: span.text.split('\n')[0] ?? '' });
        continue;
      }
      yield { value: parseJsonDocument(span.text), line: span.line, raw: span.text.length > 2000 ? span.text.slice(0, 2000) : span.text };
    }
    return;
  }
  const reader = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let line = 0;
  for await (const text of reader) {
    line++;
    if (!text.trim()) continue;
    let value: unknown;
    try {
      value = parseJsonDocument(text);
    } catch {
      reject({ file: relative, line, reason: MALFORMED_JSON, rawLine: text });
      continue;
    }
    yield { value, line, raw: text };
  }
}

/** Rejected rows into the load errors table, which prepareWarehouse created before the run. */
async function recordErrors(session: PostgresSession, request: SourceLoadRequest, dialect: PostgresDialect, errors: LoadError[], statements: string[]): Promise<void> {
  for (const sql of insertLoadErrors(dialect, request.loadErrors, request.runId, request.node.name, errors, sqlTimestamp())) {
    statements.push(sql);
    await session.client.query(sql);
  }
}

export type { ColumnPlan };
