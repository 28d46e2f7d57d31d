import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SqlkitError } from '../../errors/index.js';

export type JsonPathSegment = { key: string } | { index: number };
export type JsonPath = JsonPathSegment[];

/**
 * Reads a Redshift JSONPaths file: {"jsonpaths": ["$['a']", "$.b[0]", ...]}, one expression per column, in
 * bracket or dot notation (never mixed), without wildcards or filters, as COPY accepts them.
 */
export function readJsonPaths(projectRoot: string, path: string, columnCount: number): JsonPath[] {
  let text: string;
  try {
    text = readFileSync(resolve(projectRoot, path), 'utf8');
  } catch {
    throw bad(path, `cannot read the JSONPaths file '${path}'`, 'location.local.jsonpaths is relative to the project root.');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw bad(path, `the JSONPaths file is not valid JSON (${(error as Error).message})`, 'It must look like {"jsonpaths": ["$[\'a\']", ...]}.');
  }
  const list = (parsed as { jsonpaths?: unknown })?.jsonpaths;
  if (!Array.isArray(list) || list.some((p) => typeof p !== 'string')) {
    throw bad(path, 'the JSONPaths file needs a "jsonpaths" list of strings', 'It must look like {"jsonpaths": ["$[\'a\']", ...]}.');
  }
  if (list.length !== columnCount) {
    throw bad(path, `the JSONPaths file has ${list.length} expressions but the source declares ${columnCount} columns`, 'Expression i feeds column i: list one per column, in the same order.');
  }
  return list.map((expression) => parseJsonPath(expression as string, path));
}

export function parseJsonPath(expression: string, file: string): JsonPath {
  if (!expression.startsWith('$')) throw bad(file, `'${expression}' must start with $`, "Write $['key'] or $.key.");
  const segments: JsonPath = [];
  let rest = expression.slice(1);
  let notation: 'dot' | 'bracket' | undefined;
  while (rest.length) {
    let match: RegExpExecArray | null;
    if ((match = /^\[\s*'((?:[^'\\]|\\.)*)'\s*\]/.exec(rest)) || (match = /^\[\s*"((?:[^"\\]|\\.)*)"\s*\]/.exec(rest))) {
      if (notation === 'dot') throw bad(file, `'${expression}' mixes dot and bracket notation`, 'Use one notation per expression.');
      notation = 'bracket';
      segments.push({ key: match[1]!.replace(/\\(.)/g, '$1') });
    } else if ((match = /^\.([A-Za-z_][A-Za-z0-9_]*)/.exec(rest))) {
      if (notation === 'bracket') throw bad(file, `'${expression}' mixes dot and bracket notation`, 'Use one notation per expression.');
      notation = 'dot';
      segments.push({ key: match[1]! });
    } else if ((match = /^\[(\d+)\]/.exec(rest))) {
      segments.push({ index: Number(match[1]) });
    } else {
      throw bad(file, `cannot read the JSONPath expression '${expression}'`, 'Wildcards and filters are not supported; use $[\'key\'], $.key or [index].');
    }
    rest = rest.slice(match[0].length);
  }
  if (segments.length === 0) throw bad(file, `'${expression}' selects the whole object`, 'Name a member: $[\'key\'].');
  return segments;
}

function bad(file: string, message: string, hint: string): SqlkitError {
  return new SqlkitError('LOAD_BAD_JSONPATHS', `Invalid JSONPaths file ${file}: ${message}.`, { location: { file }, hint });
}
