import type { QueryResult } from '../adapters/types.js';
import type { NodeType } from '../compile/index.js';

export type NodeStatus = 'success' | 'error' | 'skipped' | 'pass' | 'fail' | 'warn';
export type Command = 'run' | 'test' | 'build';

export interface NodeErrorInfo {
  code: string;
  message: string;
  file?: string;
  line?: number;
  column?: number;
  hint?: string;
  related?: { file: string; line?: number }[];
}

export interface NodeResult {
  uniqueId: string;
  name: string;
  resourceType: NodeType;
  /** Model materialization, 'load' for sources, 'test' for data tests. */
  kind: string;
  status: NodeStatus;
  startedAt: string;
  completedAt: string;
  /** Seconds. */
  executionTime: number;
  rowsAffected?: number;
  /** A `rebuild: on_change` table kept as it was: its SQL and inputs had not changed since its last build. */
  kept?: true;
  /** Failing rows, for data tests. */
  failures?: number;
  message: string;
  warnings?: string[];
  error?: NodeErrorInfo;
  sample?: QueryResult;
  compiledPath?: string;
  /** For skipped nodes: the failed node that caused the skip. */
  skippedBecause?: string;
}

export type RunEvent =
  | { type: 'run_started'; command: Command; target: string; engine: string; nodes: number; threads: number; runId: string }
  | { type: 'node_started'; uniqueId: string; name: string; kind: string; resourceType: NodeType }
  | { type: 'node_finished'; result: NodeResult; index: number; total: number }
  /** SQL sent to the warehouse; without uniqueId, by the run's own setup (schemas, bookkeeping tables, leftovers). */
  | { type: 'statement'; uniqueId?: string; sql: string }
  | { type: 'run_finished'; results: NodeResult[]; elapsed: number; interrupted: boolean };

export interface RunSummary {
  results: NodeResult[];
  elapsed: number;
  interrupted: boolean;
  runId: string;
  startedAt: string;
}

export function hasFailures(results: readonly NodeResult[]): boolean {
  return results.some((r) => r.status === 'error' || r.status === 'fail');
}
