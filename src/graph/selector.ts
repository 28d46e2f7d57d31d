import { SqlkitError } from '../errors/index.js';
import { didYouMean } from '../util/suggest.js';
import { ancestors, descendants, type Dag } from './dag.js';
import type { GraphNode } from './graph-node.js';

export interface SelectionInput {
  /** --select values; each may hold several space-separated selectors (union); commas inside one intersect. */
  select?: readonly string[];
  exclude?: readonly string[];
  /** Told when a selector is valid but picks nothing, e.g. a comma intersection of sets that do not overlap. */
  onWarning?: (message: string) => void;
}

interface Atom {
  text: string;
  method: string;
  value: string;
  parents: number;
  children: number;
  at: boolean;
}

const METHODS = ['name', 'tag', 'path', 'source', 'resource_type', 'config', 'test_type', 'test_name', 'fqn'] as const;
const ATOM = /^(@)?(?:(\d*)\+)?([^+@]+?)(?:\+(\d*))?$/;

/**
 * dbt-style node selection: `name`, `+name`, `2+name`, `name+`, `name+1`, `@name`, `tag:x`, `path:models/x`,
 * `source:src[.table]`, `resource_type:model`, `config.materialized:table`; space = union, comma = intersection.
 * Tests follow the nodes they test ("eager" indirect selection): selecting a model selects its tests.
 */
export function selectNodes(nodes: ReadonlyMap<string, GraphNode>, graph: Dag, input: SelectionInput): Set<string> {
  const selectors = splitSelectors(input.select);
  const excludes = splitSelectors(input.exclude);
  let selected: Set<string>;
  if (selectors.length === 0) selected = new Set(nodes.keys());
  else {
    selected = new Set();
    for (const selector of selectors) for (const id of evaluate(selector, nodes, graph, input.onWarning)) selected.add(id);
    addAttachedTests(selected, nodes);
  }
  if (excludes.length) {
    const before = selected.size;
    const excluded = new Set<string>();
    for (const selector of excludes) for (const id of evaluate(selector, nodes, graph, input.onWarning)) excluded.add(id);
    addAttachedTests(excluded, nodes);
    for (const id of excluded) selected.delete(id);
    if (before > 0 && selected.size === 0) input.onWarning?.(`--exclude ${excludes.join(' ')} removes every selected node: nothing to do.`);
  }
  return selected;
}

function splitSelectors(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(/\s+/)).filter(Boolean);
}

function evaluate(selector: string, nodes: ReadonlyMap<string, GraphNode>, graph: Dag, onWarning?: (message: string) => void): Set<string> {
  let result: Set<string> | undefined;
  const sizes: string[] = [];
  for (const part of selector.split(',')) {
    if (!part) throw invalid(selector, 'empty selector between commas');
    const matched = evaluateAtom(parseAtom(part), nodes, graph);
    sizes.push(`'${part}' ${matched.size === 1 ? 'matches 1 node' : `matches ${matched.size} nodes`}`);
    result = result ? new Set([...result].filter((id) => matched.has(id))) : matched;
  }
  // Each part matched something (or evaluateAtom would have thrown), so an empty result is the intersection's doing.
  if (result && result.size === 0) {
    onWarning?.(`Selector '${selector}' matches no node: a comma means "and", and no node is in all of them (${sizes.join(', ')}). For "or", separate selectors with a space.`);
  }
  return result ?? new Set();
}

function parseAtom(text: string): Atom {
  const match = ATOM.exec(text);
  if (!match) throw invalid(text, 'expected [N+]selector[+N] or @selector');
  const [, at, parents, body, children] = match;
  const colon = body!.indexOf(':');
  const method = colon === -1 ? 'name' : body!.slice(0, colon);
  const value = colon === -1 ? body! : body!.slice(colon + 1);
  const baseMethod = method.startsWith('config.') ? 'config' : method;
  if (!(METHODS as readonly string[]).includes(baseMethod)) {
    throw invalid(text, `unknown method '${method}'`, didYouMean(method, METHODS));
  }
  if (baseMethod === 'config' && method.length <= 'config.'.length) throw invalid(text, `'config' needs a key, as in config.materialized:table`);
  if (!value) throw invalid(text, `'${method}:' needs a value`);
  if (at && (parents !== undefined || children !== undefined)) throw invalid(text, '@ cannot be combined with +');
  return {
    text,
    method,
    value,
    at: Boolean(at),
    parents: parents === undefined ? 0 : parents === '' ? Infinity : Number(parents),
    children: children === undefined ? 0 : children === '' ? Infinity : Number(children),
  };
}

/** Ancestors up to `depth`; a data test is outside the graph, so its parents come from its dependsOn. */
function ancestorsOf(id: string, nodes: ReadonlyMap<string, GraphNode>, graph: Dag, depth: number): Set<string> {
  if (graph.hasNode(id)) return ancestors(graph, id, depth);
  const out = new Set<string>();
  for (const parent of nodes.get(id)?.dependsOn ?? []) {
    if (!nodes.has(parent)) continue;
    out.add(parent);
    if (depth > 1) for (const a of ancestors(graph, parent, depth - 1)) out.add(a);
  }
  return out;
}

function evaluateAtom(atom: Atom, nodes: ReadonlyMap<string, GraphNode>, graph: Dag): Set<string> {
  const matches = [...nodes.values()].filter((node) => matchesMethod(atom, node)).map((n) => n.uniqueId);
  if (matches.length === 0) {
    const known = valuesOf(atom.method, nodes);
    const closed = CLOSED_VALUES[atom.method];
    throw new SqlkitError('SELECT_INVALID', `Selector '${atom.text}' matches no node.`, {
      hint: [
        didYouMean(atom.value, known),
        closed ? `${atom.method} is one of ${closed.join(', ')}.` : "Run 'sqlkit ls' to list nodes.",
      ].filter(Boolean).join(' '),
    });
  }
  const out = new Set(matches);
  for (const id of matches) {
    if (atom.parents) for (const a of ancestorsOf(id, nodes, graph, atom.parents)) out.add(a);
    if (atom.children || atom.at) for (const d of descendants(graph, id, atom.at ? Infinity : atom.children)) out.add(d);
  }
  if (atom.at) {
    // every ancestor of the set in one walk: one walk per node is quadratic on long chains
    const stack = [...out];
    while (stack.length) {
      const id = stack.pop()!;
      const parents = graph.hasNode(id) ? graph.inNeighbors(id) : (nodes.get(id)?.dependsOn ?? []).filter((p) => nodes.has(p));
      for (const parent of parents) {
        if (!out.has(parent)) {
          out.add(parent);
          stack.push(parent);
        }
      }
    }
  }
  return out;
}

/** Methods whose values are a fixed list: the hint names every one of them. */
const CLOSED_VALUES: Record<string, readonly string[]> = {
  resource_type: ['model', 'source', 'test', 'analysis'],
  test_type: ['generic', 'singular'],
};

/** The values a method could have matched in this project, for "did you mean" hints. */
function valuesOf(method: string, nodes: ReadonlyMap<string, GraphNode>): string[] {
  const all = [...nodes.values()];
  switch (method) {
    case 'name':
      return all.map((n) => n.name);
    case 'tag':
      return all.flatMap((n) => n.tags);
    case 'path':
      return all.flatMap((n) => n.path.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/')));
    case 'source':
      return all.filter((n) => n.resourceType === 'source').flatMap((n) => [n.sourceName ?? '', n.name]);
    case 'test_name':
      return all.filter((n) => n.resourceType === 'test').map((n) => n.testName ?? n.name);
    case 'fqn':
      return all.map((n) => n.fqn.join('.'));
    default: {
      if (CLOSED_VALUES[method]) return [...CLOSED_VALUES[method]];
      const key = method.slice('config.'.length);
      return all.flatMap((n) => {
        const value = (n.config as Record<string, unknown> | undefined)?.[key];
        return value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)];
      });
    }
  }
}

function matchesMethod(atom: Atom, node: GraphNode): boolean {
  const { method, value } = atom;
  switch (method) {
    case 'name':
      return glob(value, node.name) || (node.resourceType === 'source' && glob(value, `source:${node.name}`));
    case 'tag':
      return node.tags.some((tag) => glob(value, tag));
    case 'path': {
      const prefix = value.replace(/\/+$/, '');
      return node.path === prefix || node.path.startsWith(`${prefix}/`) || glob(value, node.path);
    }
    case 'source':
      return node.resourceType === 'source' && (glob(value, node.sourceName ?? '') || glob(value, node.name));
    case 'resource_type':
      return node.resourceType === value;
    case 'test_type':
      return node.testType === value;
    case 'test_name':
      // the generic test used (not_null, unique, ...), or a singular test's file name
      return node.resourceType === 'test' && glob(value, node.testName ?? node.name);
    case 'fqn':
      return glob(value, node.fqn.join('.'));
    default: {
      const key = method.slice('config.'.length);
      const configValue = (node.config as Record<string, unknown> | undefined)?.[key];
      return Array.isArray(configValue) ? configValue.map(String).includes(value) : String(configValue) === value;
    }
  }
}

function glob(pattern: string, text: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern === text;
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return regex.test(text);
}

function addAttachedTests(ids: Set<string>, nodes: ReadonlyMap<string, GraphNode>): void {
  for (const node of nodes.values()) {
    if (node.resourceType !== 'test' || ids.has(node.uniqueId)) continue;
    const parents = node.dependsOn.filter((d) => nodes.has(d));
    if (parents.length > 0 && parents.some((p) => ids.has(p))) ids.add(node.uniqueId);
  }
}

function invalid(text: string, reason: string, suggestion?: string): SqlkitError {
  return new SqlkitError('SELECT_INVALID', `Invalid selector '${text}': ${reason}.`, {
    hint: `${suggestion ? `${suggestion} ` : ''}Examples: songplays, +songplays, songplays+, 2+users, tag:daily, path:models/marts, source:sparkify.events.`,
  });
}
