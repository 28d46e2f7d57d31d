import { isCollection, isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node, type YAMLError } from 'yaml';
import jsyaml from 'js-yaml';
import { SqlkitError, type SourceLocation } from '../errors/index.js';
import { lineAt, lineFinder } from './text.js';

export type YamlPath = readonly (string | number)[];

/** The value at `path` in a parsed YAML value; undefined where the path leaves it. */
export function valueAt(root: unknown, path: YamlPath): unknown {
  let node = root;
  for (const part of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[part];
  }
  return node;
}

/** A parsed YAML file that can say where any value in it sits. */
export interface YamlFile {
  file: string;
  text: string;
  value: unknown;
  /** Location of the value at `path`; with `key`, of the key naming it. Falls back to the nearest existing parent. */
  locate(path: YamlPath, options?: { key?: boolean }): SourceLocation;
}

/** A YamlFile that knows, without building the full document, the line each mapping and sequence in it starts on. */
export interface LinedYamlFile extends YamlFile {
  /** 1-based line where `value` (a mapping or sequence of this file's `value`, as parsed) starts. */
  lineOf(value: unknown): number | undefined;
}

const SYNTAX_HINT = 'Check indentation and quoting near this line; strings containing ": " or "{{" must be quoted.';

/**
 * Values come from js-yaml (YAML 1.2 core schema), which is an order of magnitude faster than building a full
 * document; the `yaml` library's document, with node positions, is built only when a location is asked for
 * (an error) or the file fails to parse, since its messages point closer to the mistake.
 */
export function parseYamlFile(text: string, file: string): YamlFile {
  return locatableYamlFile(text, file, load(text, file));
}

function load(text: string, file: string, listener?: (event: jsyaml.EventType, state: jsyaml.State) => void): unknown {
  try {
    return jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA, filename: file, ...(listener ? { listener } : {}) }) ?? {};
  } catch (error) {
    throw syntaxError(text, file, error);
  }
}

/**
 * parseYamlFile, noting where each mapping and sequence starts as js-yaml reads it (its listener reports every
 * node as it opens and closes, in nesting order): a line asked for every source table costs nothing then, where
 * `locate` builds the yaml library's document, about 13 ms for the first file of a command.
 */
export function parseYamlFileWithLines(text: string, file: string): LinedYamlFile {
  const lines = new WeakMap<object, number>();
  const lineOfOffset = lineFinder(text);
  const opened: number[] = [];
  const listener = (event: jsyaml.EventType, state: jsyaml.State): void => {
    if (event === 'open') {
      opened.push(state.position);
      return;
    }
    const position = opened.pop();
    const node: unknown = state.result;
    // An alias closes with the anchored node as its result: that node keeps the line it was written on.
    if (position !== undefined && node !== null && typeof node === 'object' && !lines.has(node)) lines.set(node, lineOfOffset(contentStart(text, position)));
  };
  const value = load(text, file, listener);
  return { ...locatableYamlFile(text, file, value), lineOf: (node) => (node !== null && typeof node === 'object' ? lines.get(node) : undefined) };
}

/**
 * Where a node opened by js-yaml starts, as the yaml library places it: js-yaml opens a collection written under
 * its key at the end of the key's line, before the spaces, line breaks, comments and properties (an anchor `&a`, a
 * tag `!!map`) up to its first item.
 */
function contentStart(text: string, position: number): number {
  let at = position;
  for (;;) {
    const ch = text[at];
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') at++;
    else if (ch === '#') while (at < text.length && text[at] !== '\n') at++;
    else if (ch === '&' || ch === '!') while (at < text.length && !/\s/.test(text[at]!)) at++;
    else return at;
  }
}

/** A YamlFile over text whose value is already known (parsed earlier): locations are still found on demand. */
export function locatableYamlFile(text: string, file: string, value: unknown): YamlFile {
  let located: { doc: Document; lineCounter: LineCounter } | undefined;
  return {
    file,
    text,
    value,
    locate(path, options = {}) {
      located ??= documentOf(text);
      const offset = findOffset(located.doc, path, options.key ?? false);
      if (offset === undefined) return { file };
      const { line, col } = located.lineCounter.linePos(offset);
      return { file, line, column: col, snippet: lineAt(text, line) };
    },
  };
}

function documentOf(text: string): { doc: Document; lineCounter: LineCounter } {
  const lineCounter = new LineCounter();
  return { doc: parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true }), lineCounter };
}

function syntaxError(text: string, file: string, jsyamlError: unknown): SqlkitError {
  const { doc, lineCounter } = documentOf(text);
  const first = doc.errors[0];
  if (first) {
    const { line, col } = lineCounter.linePos(errorOffset(doc, first));
    return new SqlkitError('CONFIG_YAML_SYNTAX', `YAML syntax error in ${file}: ${firstLine(first.message)}`, {
      location: { file, line, column: col, snippet: lineAt(text, line) },
      hint: SYNTAX_HINT,
    });
  }
  const mark = (jsyamlError as { mark?: { line: number; column: number } }).mark;
  const reason = (jsyamlError as { reason?: string }).reason ?? String(jsyamlError);
  const line = mark ? mark.line + 1 : undefined;
  return new SqlkitError('CONFIG_YAML_SYNTAX', `YAML syntax error in ${file}: ${reason}`, {
    location: line ? { file, line, column: mark!.column + 1, snippet: lineAt(text, line) } : { file },
    hint: SYNTAX_HINT,
  });
}

/**
 * The yaml library reports an unclosed quote or flow collection (`"abc`, `[a, b`) where it gave up, often the end of
 * the file; the opening quote or bracket is where the mistake is.
 */
function errorOffset(doc: Document, error: YAMLError): number {
  const offset = error.pos[0];
  if (error.code !== 'MISSING_CHAR' && !/^Flow (sequence|mapping)/.test(error.message)) return offset;
  let opening: number | undefined;
  visit(doc, (_key, node) => {
    const range = (node as Node).range;
    if (!range || range[1] !== offset) return;
    const quoted = isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE');
    if (quoted || (isCollection(node) && node.flow)) opening = range[0];
  });
  return opening ?? offset;
}

function findOffset(doc: Document, path: YamlPath, wantKey: boolean): number | undefined {
  let node: unknown = doc.contents;
  let best: number | undefined = rangeStart(node);
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    const isLast = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => keyOf(p.key) === String(segment));
      if (!pair) return best;
      if (isLast && wantKey) return rangeStart(pair.key) ?? best;
      node = pair.value;
      best = rangeStart(pair.value) ?? rangeStart(pair.key) ?? best;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
      best = rangeStart(node) ?? best;
    } else {
      return best;
    }
  }
  return best;
}

function keyOf(key: unknown): string | undefined {
  if (key && typeof key === 'object' && 'value' in key) return String((key as { value: unknown }).value);
  return key === undefined || key === null ? undefined : String(key);
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | undefined)?.range;
  return range ? range[0] : undefined;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}
