import type { ModelConfig, TestConfig } from '../config/index.js';
import type { Redactor } from '../errors/index.js';

export const MANIFEST_SCHEMA_VERSION = 'sqlkit/manifest/v1';

export type NodeType = 'source' | 'model' | 'test' | 'analysis';

export interface RelationName {
  schema: string;
  identifier: string;
}

export interface ColumnInfo {
  name: string;
  type?: string;
  description?: string;
}

interface BaseNode {
  uniqueId: string;
  resourceType: NodeType;
  name: string;
  /** Project-relative file the node is defined in. */
  path: string;
  /** Line of the definition, for nodes declared inside YAML files. */
  line?: number;
  /** sha256 of the raw file. */
  checksum: string;
  /** Folder path plus name, used by `path:` selection and folder config. */
  fqn: string[];
  dependsOn: string[];
  tags: string[];
  description?: string;
}

export interface ModelNode extends BaseNode {
  resourceType: 'model';
  config: ModelConfig;
  relation: RelationName;
  columns: ColumnInfo[];
  /** Rendered with is_incremental() false, refs resolved, ephemeral CTEs inlined. */
  compiledSql: string;
  compiledPath: string;
  /** Where the YAML entry describing the model is, if any. */
  yamlPath?: string;
}

export interface SourceLocalLocation {
  path: string;
  jsonpaths?: string;
}

export interface SourceS3Location {
  path: string;
  jsonpaths?: string;
  region?: string;
  iamRole?: string;
}

export interface SourceLoadSpec {
  format: 'jsonl' | 'json';
  mapping: 'auto' | 'auto_ignorecase' | 'jsonpaths';
  timeformat?: string;
  maxErrors: number;
  /** Load only files not loaded before (see adapters/loading/file-stamps.ts). */
  incremental: boolean;
  /** Load empty files as zero rows instead of failing (local files; COPY from S3 always accepts them). */
  allowEmptyFiles: boolean;
  local?: SourceLocalLocation;
  s3?: SourceS3Location;
}

export interface SourceNode extends BaseNode {
  resourceType: 'source';
  sourceName: string;
  tableName: string;
  relation: RelationName;
  columns: ColumnInfo[];
  /** How sqlkit loads it; absent when the table is managed outside sqlkit. */
  load?: SourceLoadSpec;
}

export interface TestNode extends BaseNode {
  resourceType: 'test';
  testType: 'generic' | 'singular';
  /** not_null, unique, ... or the singular test's file name. */
  testName: string;
  /** The model or source the test is declared on. */
  attachedTo?: string;
  columnName?: string;
  config: TestConfig;
  compiledSql: string;
  compiledPath: string;
}

export interface AnalysisNode extends BaseNode {
  resourceType: 'analysis';
  compiledSql: string;
  compiledPath: string;
}

export type ManifestNode = ModelNode | SourceNode | TestNode | AnalysisNode;

export interface Manifest {
  schemaVersion: typeof MANIFEST_SCHEMA_VERSION;
  project: { name: string; version: string };
  target: { name: string; type: string; schema: string };
  nodes: Record<string, ManifestNode>;
}

export function isModel(node: ManifestNode | undefined): node is ModelNode {
  return node?.resourceType === 'model';
}
export function isSource(node: ManifestNode | undefined): node is SourceNode {
  return node?.resourceType === 'source';
}
export function isTest(node: ManifestNode | undefined): node is TestNode {
  return node?.resourceType === 'test';
}

/** How many nodes of each resource type, in the order the types first appear. */
export function nodeCounts(nodes: Iterable<ManifestNode>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const node of nodes) counts[node.resourceType] = (counts[node.resourceType] ?? 0) + 1;
  return counts;
}

/** A relation as SQL text, for places that only need a display name. */
export function relationLabel(relation: RelationName): string {
  return `${relation.schema}.${relation.identifier}`;
}

/** A node's entry as manifest.json holds it. The SQL itself lives in compiled/ (compiledPath), not here. */
export function manifestEntryText(id: string, node: ManifestNode, redactor: Pick<Redactor, 'redact'>): string {
  if (!('compiledSql' in node)) return redactor.redact(`${JSON.stringify(id)}:${JSON.stringify(node)}`);
  // JSON.stringify leaves out undefined values: setting the SQL aside costs less than a copy of the node, or a
  // replacer (which takes stringify off V8's fast path).
  const sql = node.compiledSql;
  try {
    (node as { compiledSql?: string }).compiledSql = undefined;
    return redactor.redact(`${JSON.stringify(id)}:${JSON.stringify(node)}`);
  } finally {
    node.compiledSql = sql;
  }
}

/**
 * Where node `id`'s entry (`"id":{...}`, end exclusive) is in a manifest's text. Its key is followed by an object
 * that opens with the same id as uniqueId, which nothing else in the text looks like unless a user's meta copies
 * it: a text where the entry is not found exactly once gives undefined.
 */
export function locateManifestEntry(text: string, id: string): { start: number; end: number } | undefined {
  const key = JSON.stringify(id);
  const marker = `${key}:{"uniqueId":${key}`;
  const start = text.indexOf(marker);
  if (start === -1 || text.indexOf(marker, start + 1) !== -1) return undefined;
  const end = jsonObjectEnd(text, start + key.length + 1);
  return end === undefined ? undefined : { start, end };
}

/** The index after the object that opens at `open`, skipping strings; undefined when the text ends first. */
function jsonObjectEnd(text: string, open: number): number | undefined {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '{' || c === '[') {
      depth++;
    } else if ((c === '}' || c === ']') && --depth === 0) {
      return i + 1;
    }
  }
  return undefined;
}
