import { SqlError } from '../sql/sql-error.js';
import { scanJsonRecords } from './json-scanner.js';
import type { JsonValue } from './json-scanner.js';

export type PathStep = { kind: 'member'; name: string } | { kind: 'index'; index: number };

const BRACKET_MEMBER = /^\[\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*\]/;
const INDEX = /^\[\s*(\d+)\s*\]/;
const DOT_MEMBER = /^\.([^.[\]]+)/;

function invalid(expression: string, why: string): SqlError {
  return new SqlError(`Invalid JSONPath format: ${why}: ${expression}`);
}

/** Parses one JSONPath expression: bracket (`$['a'][0]`) or dot (`$.a[0]`) notation, never mixed, no wildcards. */
export function parseJsonPath(expression: string): PathStep[] {
  if (!expression.startsWith('$')) throw invalid(expression, 'must start with $');
  const steps: PathStep[] = [];
  let rest = expression.slice(1);
  let notation: 'dot' | 'bracket' | undefined;
  const use = (kind: 'dot' | 'bracket') => {
    if (notation !== undefined && notation !== kind) throw invalid(expression, 'bracket and dot notation cannot be mixed');
    notation = kind;
  };
  while (rest.length > 0) {
    let match: RegExpExecArray | null;
    if ((match = INDEX.exec(rest))) {
      steps.push({ kind: 'index', index: Number(match[1]) });
    } else if ((match = BRACKET_MEMBER.exec(rest))) {
      use('bracket');
      steps.push({ kind: 'member', name: (match[1] ?? match[2] ?? '').replace(/\\(.)/g, '$1') });
    } else if ((match = DOT_MEMBER.exec(rest))) {
      use('dot');
      if (match[1]!.includes('*')) throw invalid(expression, 'wildcards are not supported');
      steps.push({ kind: 'member', name: match[1]! });
    } else {
      throw invalid(expression, 'unexpected text');
    }
    rest = rest.slice(match[0].length);
  }
  return steps;
}

/**
 * Reads a jsonpaths file. Any top-level key other than `jsonpaths` makes Redshift silently fall back to 'auto'
 * (returned as undefined).
 */
export function parseJsonPathsFile(text: string): PathStep[][] | undefined {
  const records = scanJsonRecords(text);
  const root = records[0]?.value;
  if (records.length !== 1 || !(root instanceof Map)) throw new SqlError('Invalid JSONPath format: the jsonpaths file must hold one JSON object');
  if ([...root.keys()].some((key) => key !== 'jsonpaths')) return undefined;
  const paths = root.get('jsonpaths');
  if (!Array.isArray(paths)) throw new SqlError('Invalid JSONPath format: "jsonpaths" must be an array');
  return paths.map((path) => {
    if (typeof path !== 'string') throw new SqlError('Invalid JSONPath format: each JSONPath must be a string');
    return parseJsonPath(path);
  });
}

/** The value at the path; undefined for a missing member. A missing array index fails the whole COPY, as in Redshift. */
export function evaluatePath(root: JsonValue, steps: readonly PathStep[]): JsonValue | undefined {
  let current: JsonValue | undefined = root;
  for (const step of steps) {
    if (current === undefined || current === null) return undefined;
    if (step.kind === 'member') {
      current = current instanceof Map ? current.get(step.name) : undefined;
    } else {
      if (!Array.isArray(current) || step.index >= current.length) {
        throw new SqlError('Invalid JSONPath format: Not an array or index out of range.');
      }
      current = current[step.index];
    }
  }
  return current;
}

