import type { QueryTable } from './query-table.js';

/**
 * What a template can ask of the project while it renders. Compile supplies one RenderHooks per render;
 * the template engine routes the `ref()`, `source()`, `config()`... globals to it.
 */
export interface RenderHooks {
  ref(name: string): unknown;
  source(sourceName: string, tableName: string): unknown;
  config(values: Record<string, unknown>): void;
  variable(name: string, fallback: unknown, hasFallback: boolean): unknown;
  envVar(name: string, fallback: string | undefined): string;
  isIncremental(): boolean;
  self(): unknown;
  /** run_query(): a query's rows when the template renders at run time; no rows while the project compiles. */
  runQuery(sql: string): QueryTable;
  /** `execute`: true only when the template renders at run time, with the warehouse at hand. */
  executing(): boolean;
}

/** Static facts about the run, visible to every template as `target`. */
export interface TargetInfo {
  name: string;
  type: string;
  schema: string;
  database?: string;
  threads: number;
}
