import type { Target } from '../engine/database-registry.js';
import type { EncodedResult } from './result-encoding.js';

export type StatementStatus = 'SUBMITTED' | 'PICKED' | 'STARTED' | 'FINISHED' | 'FAILED' | 'ABORTED';

export const TERMINAL_STATUSES: ReadonlySet<StatementStatus> = new Set(['FINISHED', 'FAILED', 'ABORTED']);

export interface SqlParameter {
  name: string;
  value: string;
}

interface Timed {
  status: StatementStatus;
  error?: string;
  createdAt: number;
  updatedAt: number;
  startedAt?: number;
  endedAt?: number;
}

export interface SubStatement extends Timed {
  id: string;
  /** The SQL as sent, run by the stand-in. */
  sql: string;
  /** The SQL with credentials redacted: all that is ever shown. */
  queryString: string;
  queryId?: number;
  result?: EncodedResult;
  resultRows: number;
  resultSize: number;
  hasResultSet: boolean;
}

export interface StatementRecord extends Timed {
  id: string;
  isBatch: boolean;
  target: Target;
  database: string;
  dbUser?: string;
  secretArn?: string;
  statementName?: string;
  clientToken?: string;
  executionMode: 'TRANSACTION' | 'AUTO_COMMIT';
  parameters: SqlParameter[];
  resultFormat: string;
  pid?: number;
  cancelRequested: boolean;
  subs: SubStatement[];
  /** Settles when the statement reaches a terminal status. */
  done: Promise<void>;
  settle(): void;
}

export function setStatus(item: Timed, status: StatementStatus, error?: string): void {
  const now = Date.now();
  item.status = status;
  item.updatedAt = now;
  if (status === 'STARTED') item.startedAt = now;
  if (TERMINAL_STATUSES.has(status)) {
    item.endedAt = now;
    item.startedAt ??= now;
  }
  if (error !== undefined) item.error = error;
}

export function isActive(record: StatementRecord): boolean {
  return !TERMINAL_STATUSES.has(record.status);
}
