import { afterAll, describe, expect, it } from 'vitest';
import { errorsOf, openProject, selectNodes, type SqlkitError } from '../../../src/index.js';
import { topologicalGenerations } from 'graphology-dag';
import { ancestors, buildDag, dependencyGenerations, descendants, findCycles, type Dag, type GraphNode } from '../../../src/graph/index.js';
import { planExecution } from '../../../src/runner/execution-plan.js';
import { duckdbProjectYml, removeTempProjects, writeProject } from '../../support/temp-project.js';

afterAll(removeTempProjects);

/** A model node named `id` that depends on `deps`. */
function node(id: string, deps: string[] = []): GraphNode {
  return { uniqueId: id, resourceType: 'model', name: id, path: `models/${id}.sql`, fqn: ['p', id], dependsOn: deps, tags: [] };
}

/** Graph from `{node: [dependencies]}`. */
function dagOf(spec: Record<string, string[]>): Dag {
  return buildDag(Object.entries(spec).map(([id, deps]) => node(id, deps)));
}

/** Each reported cycle must be real: every node feeds the next one, and the last feeds the first. */
function expectRealCycle(graph: Dag, cycle: string[]): void {
  expect(cycle.length).toBeGreaterThan(0);
  expect(new Set(cycle).size).toBe(cycle.length);
  cycle.forEach((id, i) => expect(graph.hasDirectedEdge(id, cycle[(i + 1) % cycle.length]!), `${id} -> ${cycle[(i + 1) % cycle.length]}`).toBe(true));
}

/** The same cycle may start anywhere: rotate it to start at its smallest id. */
function canonical(cycle: string[]): string {
  const start = cycle.indexOf([...cycle].sort()[0]!);
  return [...cycle.slice(start), ...cycle.slice(0, start)].join(' -> ');
}

function chainSpec(length: number, prefix = 'm'): Record<string, string[]> {
  const spec: Record<string, string[]> = {};
  for (let i = 0; i < length; i++) spec[`${prefix}${i}`] = i === 0 ? [] : [`${prefix}${i - 1}`];
  return spec;
}

describe('buildDag', () => {
  it('has an edge from each dependency to its dependent, and ignores dependencies outside the node set', () => {
    const graph = dagOf({ a: [], b: ['a', 'not_a_node'], c: ['a', 'b'] });
    expect(graph.order).toBe(3);
    expect(graph.size).toBe(3);
    expect(graph.hasDirectedEdge('a', 'b')).toBe(true);
    expect(graph.hasDirectedEdge('b', 'a')).toBe(false);
    expect([...ancestors(graph, 'c')].sort()).toEqual(['a', 'b']);
    expect([...descendants(graph, 'a')].sort()).toEqual(['b', 'c']);
    expect([...descendants(graph, 'a', 1)].sort()).toEqual(['b', 'c']);
    expect([...ancestors(graph, 'c', 1)].sort()).toEqual(['a', 'b']);
  });
});

describe('dependencyGenerations (the order a compile uses without building the graph)', () => {
  const sorted = (levels: string[][] | undefined) => levels?.map((level) => [...level].sort());

  it('groups nodes into generations that depend only on earlier ones', () => {
    const spec: Record<string, string[]> = { d: ['b', 'c'], b: ['a'], c: ['a'], a: [], e: [] };
    const levels = dependencyGenerations(Object.entries(spec).map(([id, deps]) => node(id, deps)))!.map((level) => [...level].sort());
    expect(levels).toEqual([['a', 'e'], ['b', 'c'], ['d']]);
  });

  it('gives the levels the graph gives, on a layered project with repeated and outside dependencies', () => {
    const spec: Record<string, string[]> = { root: [], other_root: ['outside.source'] };
    // 300 models in layers: each refs two models of earlier layers, one of them twice.
    for (let i = 0; i < 300; i++) {
      const layer = Math.floor(i / 30);
      const earlier = (k: number) => (layer === 0 ? 'root' : `m${(layer - 1) * 30 + ((i * 7 + k) % 30)}`);
      spec[`m${i}`] = [earlier(1), earlier(2), earlier(1), ...(i % 5 === 0 ? ['other_root'] : [])];
    }
    const nodes = Object.entries(spec).map(([id, deps]) => node(id, deps));
    const levels = dependencyGenerations(nodes);
    expect(levels).toHaveLength(11);
    expect(sorted(levels)).toEqual(sorted(topologicalGenerations(buildDag(nodes))));
  });

  it('leaves tests out, and is undefined for a cycle or a self-reference', () => {
    const test: GraphNode = { ...node('t', ['a']), resourceType: 'test' };
    expect(sorted(dependencyGenerations([node('a'), node('b', ['a']), test]))).toEqual([['a'], ['b']]);
    expect(dependencyGenerations([node('a', ['c']), node('b', ['a']), node('c', ['b']), node('d')])).toBeUndefined();
    expect(dependencyGenerations([node('a', ['a']), node('b')])).toBeUndefined();
  });
});

describe('findCycles', () => {
  it('finds nothing in a DAG', () => {
    expect(findCycles(dagOf({ a: [], b: ['a'], c: ['a', 'b'], d: ['c'] }))).toEqual([]);
  });

  it('reports a self-reference as a cycle of one node', () => {
    const graph = dagOf({ a: ['a'], b: ['a'] });
    expect(findCycles(graph)).toEqual([['a']]);
  });

  it('lists every node of a longer cycle, in dependency order, and nothing that only feeds it', () => {
    // feeder -> a -> b -> c -> a, and c -> after
    const graph = dagOf({ feeder: [], a: ['feeder', 'c'], b: ['a'], c: ['b'], after: ['c'] });
    const cycles = findCycles(graph);
    expect(cycles).toHaveLength(1);
    expectRealCycle(graph, cycles[0]!);
    expect(canonical(cycles[0]!)).toBe('a -> b -> c');
  });

  it('reports each of several separate cycles', () => {
    const graph = dagOf({ a: ['b'], b: ['a'], x: ['z'], y: ['x'], z: ['y'], s: ['s'], free: [] });
    const cycles = findCycles(graph);
    cycles.forEach((cycle) => expectRealCycle(graph, cycle));
    expect(cycles.map(canonical).sort()).toEqual(['a -> b', 's', 'x -> y -> z']);
  });

  it('puts every node that lies on a cycle into some reported cycle, even when cycles share nodes', () => {
    // a <-> b, and a -> c -> b: c lies on the cycle a -> c -> b -> a. A depth-first search that visits b before
    // c reaches the finished b from c and would never mention c.
    const specs: Record<string, string[]>[] = [
      { a: ['b'], b: ['a', 'c'], c: ['a'] },
      { c: ['a'], b: ['a', 'c'], a: ['b'] },
      { a: ['b', 'd'], b: ['a', 'c'], c: ['a'], d: ['c'], e: ['d'] },
    ];
    for (const spec of specs) {
      const graph = dagOf(spec);
      const cycles = findCycles(graph);
      cycles.forEach((cycle) => expectRealCycle(graph, cycle));
      // a node is on a cycle when one of its parents is itself or one of its descendants
      const onCycle = Object.keys(spec).filter((id) => graph.inNeighbors(id).some((parent) => parent === id || descendants(graph, id).has(parent)));
      expect(new Set(cycles.flat())).toEqual(new Set(onCycle));
      expect(onCycle).toEqual(expect.arrayContaining(['a', 'b', 'c']));
      expect(onCycle).not.toContain('e');
    }
  });

  it('reports each cycle once', () => {
    const graph = dagOf({ a: ['c'], b: ['a'], c: ['b'] });
    const cycles = findCycles(graph);
    expect(cycles).toHaveLength(1);
  });
});

describe('compile reports cycles', () => {
  it('names every model on each cycle, a self-reference included, as GRAPH_CYCLE errors', () => {
    const dir = writeProject({
      'project.yml': duckdbProjectYml(),
      'models/selfish.sql': "select * from {{ ref('selfish') }}\n",
      'models/a.sql': "select * from {{ ref('c') }}\n",
      'models/b.sql': "select * from {{ ref('a') }}\n",
      'models/c.sql': "select * from {{ ref('b') }}\n",
      'models/fine.sql': "select * from {{ ref('a') }}\n",
    });
    let errors: SqlkitError[] | undefined;
    try {
      openProject({ projectDir: dir, env: {} });
    } catch (error) {
      errors = errorsOf(error);
    }
    expect(errors?.map((e) => e.code)).toEqual(['GRAPH_CYCLE', 'GRAPH_CYCLE']);
    const messages = errors!.map((e) => e.message).sort();
    expect(messages[0]).toMatch(/^Dependency cycle: a -> b -> c -> a\.$/);
    expect(messages[1]).toBe('Dependency cycle: selfish -> selfish.');
    expect(errors!.map((e) => e.message).join('\n')).not.toContain('fine');
    const cycle = errors!.find((e) => e.message.includes('a -> b'))!;
    expect([cycle.location?.file, ...(cycle.related ?? []).map((r) => r.file)].sort()).toEqual(['models/a.sql', 'models/b.sql', 'models/c.sql']);
  });
});

describe('deep chains', () => {
  const LENGTH = 5_000;

  it('walks a chain of 5,000 nodes without overflowing the stack', () => {
    const graph = dagOf(chainSpec(LENGTH));
    expect(findCycles(graph)).toEqual([]);
    expect(dependencyGenerations(Object.entries(chainSpec(LENGTH)).map(([id, deps]) => node(id, deps)))).toHaveLength(LENGTH);
    expect(ancestors(graph, `m${LENGTH - 1}`).size).toBe(LENGTH - 1);
    expect(descendants(graph, 'm0').size).toBe(LENGTH - 1);
    expect(ancestors(graph, `m${LENGTH - 1}`, 10).size).toBe(10);
  });

  it('reports a 5,000-node cycle with every node on it', () => {
    const spec = chainSpec(LENGTH);
    spec.m0 = [`m${LENGTH - 1}`];
    const graph = dagOf(spec);
    const cycles = findCycles(graph);
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toHaveLength(LENGTH);
    expectRealCycle(graph, cycles[0]!);
  });

  it('selects and plans through a 5,000-model project', () => {
    const files: Record<string, string> = { 'project.yml': duckdbProjectYml() };
    files['models/m0.sql'] = 'select 1 as id\n';
    for (let i = 1; i < LENGTH; i++) files[`models/m${i}.sql`] = `select * from {{ ref('m${i - 1}') }}\n`;
    const { compiled } = openProject({ projectDir: writeProject(files), env: {} });
    const nodes = new Map(Object.entries(compiled.manifest.nodes));
    expect(selectNodes(nodes, compiled.graph, { select: [`+m${LENGTH - 1}`] }).size).toBe(LENGTH);
    expect(selectNodes(nodes, compiled.graph, { select: ['m0+'] }).size).toBe(LENGTH);
    expect(selectNodes(nodes, compiled.graph, { select: [`@m${LENGTH / 2}`] }).size).toBe(LENGTH);
    expect(selectNodes(nodes, compiled.graph, { select: ['m0+'], exclude: [`m${LENGTH / 2}+`] }).size).toBe(LENGTH / 2);

    // Only the two ends selected: the last still waits for the first, through the 4,998 models left out.
    const plan = planExecution(compiled, 'run', { select: ['m0', `m${LENGTH - 1}`] });
    expect([...plan.nodes.keys()].sort()).toEqual(['model.demo.m0', `model.demo.m${LENGTH - 1}`]);
    expect([...plan.waitsFor.get(`model.demo.m${LENGTH - 1}`)!]).toEqual(['model.demo.m0']);
    expect(plan.waitsFor.get('model.demo.m0')!.size).toBe(0);
  });
});
