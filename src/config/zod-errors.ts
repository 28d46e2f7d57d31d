import type { z } from 'zod';
import { isSecretKey, SqlkitError, type SourceLocation } from '../errors/index.js';
import { didYouMean } from '../util/suggest.js';
import { valueAt, type YamlFile, type YamlPath } from '../util/yaml-file.js';

/** Turns zod issues into SqlkitErrors that name the YAML path and the line it sits on. */
export function zodIssuesToErrors(
  issues: readonly z.core.$ZodIssue[],
  yaml: YamlFile,
  basePath: YamlPath = [],
  knownKeys?: (path: YamlPath) => readonly string[],
): SqlkitError[] {
  const errors: SqlkitError[] = [];
  for (const issue of issues) {
    const path = [...basePath, ...(issue.path as (string | number)[])];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const keyPath = [...path, key];
        const candidates = knownKeys?.(path) ?? [];
        const location = yaml.locate(keyPath, { key: true });
        const suggestion = splitFlowValueHint(key, location.snippet) ?? didYouMean(key, candidates);
        errors.push(
          new SqlkitError('CONFIG_INVALID', `Unknown key '${formatPath(keyPath)}' in ${yaml.file}.`, {
            location,
            hint: suggestion ?? (candidates.length ? `Allowed keys here: ${candidates.join(', ')}.` : 'Remove it.'),
          }),
        );
      }
      continue;
    }
    // A credential's value is never quoted back, not even a wrongly typed one, and neither is its line.
    const secret = path.some((part) => typeof part === 'string' && isSecretKey(part));
    errors.push(
      new SqlkitError('CONFIG_INVALID', `Invalid value at '${formatPath(path)}' in ${yaml.file}: ${describeIssue(issue, () => valueAt(yaml.value, path), secret)}.`, {
        location: secret ? withoutSnippet(yaml.locate(path)) : yaml.locate(path),
        hint: hintFor(issue),
      }),
    );
  }
  return errors;
}

export function formatPath(path: YamlPath): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out ? `.${part}` : part;
  return out || '(root)';
}

/**
 * A comma inside a flow mapping ends the value: `{ name: amount, type: numeric(10,2) }` reads as `type: numeric(10`
 * plus a key `2)`. The fix is quoting the value.
 */
function splitFlowValueHint(key: string, snippet: string | undefined): string | undefined {
  if (!snippet?.includes('{')) return undefined;
  for (const match of snippet.matchAll(/([A-Za-z_][\w-]*)\s*:\s*([^\s"'{},:\[\]][^"'{},]*\([^()"']*,[^()"']*\))/g)) {
    const [, name, value] = match;
    if (value!.slice(value!.indexOf(',') + 1).trim() === key.trim()) {
      return `Inside { } a comma separates entries, so '${value}' was cut at its comma: quote it, as in ${name}: "${value}".`;
    }
  }
  return undefined;
}

function withoutSnippet(location: SourceLocation): SourceLocation {
  const { snippet: _snippet, ...rest } = location;
  return rest;
}

function describeIssue(issue: z.core.$ZodIssue, rawValue: () => unknown, secret: boolean): string {
  // z.coerce.number() reports the coerced NaN as the input; the value as written in the YAML is what helps.
  const input = typeof issue.input === 'number' && Number.isNaN(issue.input) ? rawValue() : issue.input;
  const got = (value: unknown) => (secret ? kindOf(value) : typeName(value));
  // A key the schema names only to refuse it (z.never) carries its own reason.
  if (issue.code === 'invalid_type' && issue.expected === 'never') return issue.message;
  if (issue.code === 'invalid_type') {
    return input === undefined ? `required ${shapeName(issue.expected)} is missing` : `expected ${shapeName(issue.expected)}, got ${got(input)}`;
  }
  if (issue.code === 'invalid_union') {
    const expected = [...new Set(issue.errors.flatMap((branch) => branch.filter((i) => i.code === 'invalid_type').map((i) => shapeName(i.expected))))];
    if (expected.length) return `expected ${expected.join(' or ')}, got ${got(input)}`;
  }
  if (issue.code === 'invalid_value') return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  return issue.message.replace(/^Invalid input: /, '');
}

function hintFor(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.expected === 'never') return 'Remove it.';
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'Add the missing key.';
  if (issue.code === 'invalid_value') return `Use one of: ${issue.values.map(String).join(', ')}.`;
  return 'Fix the value; see the README for the expected shape.';
}

function typeName(value: unknown): string {
  if (value === null || typeof value === 'object') return kindOf(value);
  return `${typeof value} ${JSON.stringify(value)}`;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}

/** zod's names for shapes, in YAML's words. */
function shapeName(expected: string): string {
  return expected === 'record' || expected === 'object' ? 'mapping' : expected === 'array' ? 'list' : expected;
}

/** The keys an object schema accepts, for "did you mean" hints. */
export function keysOfSchema(schema: unknown): string[] {
  const shape = (schema as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : [];
}
