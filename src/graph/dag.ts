import { DirectedGraph } from 'graphology';
import type { GraphNode } from './graph-node.js';

export type Dag = DirectedGraph;

/**
 * Directed graph with an edge from each dependency to its dependent. Dependencies outside `nodes` are ignored.
 * Data tests are leaves (nothing depends on a test), so they stay out of the graph: they cannot be on a cycle,
 * and leaving them out halves the graph of a large project. `ancestors` handles them from their dependsOn.
 */
export function buildDag(nodes: Iterable<GraphNode>): Dag {
  const graph = new DirectedGraph({ allowSelfLoops: true });
  const list = [...nodes].filter((node) => node.resourceType !== 'test');
  for (const node of list) graph.addNode(node.uniqueId);
  for (const node of list) {
    for (const dep of new Set(node.dependsOn)) {
      if (graph.hasNode(dep)) graph.addDirectedEdge(dep, node.uniqueId);
    }
  }
  return graph;
}

/**
 * Cycles, each as the list of node ids in order (first node repeated at the end is left out), such that every
 * node lying on some cycle appears in at least one of them. Iterative DFS, so a deep chain of thousands of
 * models cannot overflow the stack.
 */
export function findCycles(graph: Dag): string[][] {
  const state = new Map<string, 1 | 2>();
  const cycles: string[][] = [];
  const seen = new Set<string>();
  for (const start of graph.nodes()) {
    if (state.has(start)) continue;
    const stack: { id: string; next: string[]; i: number }[] = [{ id: start, next: graph.outNeighbors(start), i: 0 }];
    const onPath: string[] = [start];
    state.set(start, 1);
    while (stack.length) {
      const frame = stack[stack.length - 1]!;
      if (frame.i >= frame.next.length) {
        state.set(frame.id, 2);
        stack.pop();
        onPath.pop();
        continue;
      }
      const child = frame.next[frame.i++]!;
      const childState = state.get(child);
      if (childState === 1) {
        const cycle = onPath.slice(onPath.indexOf(child));
        const key = [...cycle].sort().join('|');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(cycle);
        }
      } else if (childState === undefined) {
        state.set(child, 1);
        onPath.push(child);
        stack.push({ id: child, next: graph.outNeighbors(child), i: 0 });
      }
    }
  }
  addUncoveredCycles(graph, cycles, seen);
  return cycles;
}

/**
 * The DFS finds a cycle in every strongly connected component, but not one through every node of it: with
 * a -> b -> a and a -> c -> b, the edge c -> b reaches a finished node and c is never reported. For each
 * component, add the shortest cycle through every node not yet on a reported cycle.
 */
function addUncoveredCycles(graph: Dag, cycles: string[][], seen: Set<string>): void {
  const covered = new Set(cycles.flat());
  const done = new Set<string>();
  for (const cycle of [...cycles]) {
    const anchor = cycle[0]!;
    if (done.has(anchor)) continue;
    const down = descendants(graph, anchor);
    const component = [...ancestors(graph, anchor)].filter((id) => down.has(id));
    for (const id of [anchor, ...component]) done.add(id);
    for (const id of component) {
      if (covered.has(id)) continue;
      const found = shortestCycleThrough(graph, id);
      if (found.length === 0) continue;
      const key = [...found].sort().join('|');
      if (!seen.has(key)) {
        seen.add(key);
        cycles.push(found);
      }
      for (const member of found) covered.add(member);
    }
  }
}

/** Breadth-first from `id` back to itself; `id` must lie on a cycle. */
function shortestCycleThrough(graph: Dag, id: string): string[] {
  const previous = new Map<string, string>();
  let frontier = [id];
  while (frontier.length && !previous.has(id)) {
    const following: string[] = [];
    for (const node of frontier) {
      for (const next of graph.outNeighbors(node)) {
        if (previous.has(next)) continue;
        previous.set(next, node);
        if (next === id) break;
        following.push(next);
      }
      if (previous.has(id)) break;
    }
    frontier = following;
  }
  if (!previous.has(id)) return [];
  const cycle = [id];
  for (let node = previous.get(id)!; node !== id; node = previous.get(node)!) cycle.push(node);
  return [id, ...cycle.slice(1).reverse()];
}

/**
 * Node ids grouped by depth, each group depending only on earlier ones: the generations of buildDag(nodes), from
 * the nodes' dependsOn directly, or undefined when the dependencies form a cycle. A compile needs only this order,
 * and building the graphology graph of 10,000 models costs about 50 ms, so a compile builds that graph only when
 * something asks for it (selection, a run).
 */
export function dependencyGenerations(nodes: Iterable<GraphNode>): string[][] | undefined {
  const list = [...nodes].filter((node) => node.resourceType !== 'test');
  const position = new Map(list.map((node, i) => [node.uniqueId, i]));
  const unmet = new Int32Array(list.length);
  const dependents: number[][] = list.map(() => []);
  list.forEach((node, i) => {
    for (const dep of new Set(node.dependsOn)) {
      const at = position.get(dep);
      if (at === undefined) continue;
      unmet[i]!++;
      dependents[at]!.push(i);
    }
  });
  const out: string[][] = [];
  let placed = 0;
  let current = list.flatMap((_, i) => (unmet[i] === 0 ? [i] : []));
  while (current.length) {
    out.push(current.map((i) => list[i]!.uniqueId));
    placed += current.length;
    const next: number[] = [];
    for (const i of current) for (const j of dependents[i]!) if (--unmet[j]! === 0) next.push(j);
    current = next;
  }
  return placed === list.length ? out : undefined;
}

export function ancestors(graph: Dag, id: string, depth = Infinity): Set<string> {
  return walk(graph, id, depth, (n) => graph.inNeighbors(n));
}

export function descendants(graph: Dag, id: string, depth = Infinity): Set<string> {
  return walk(graph, id, depth, (n) => graph.outNeighbors(n));
}

function walk(graph: Dag, id: string, depth: number, next: (id: string) => string[]): Set<string> {
  const out = new Set<string>();
  if (!graph.hasNode(id)) return out;
  let frontier = [id];
  for (let level = 0; level < depth && frontier.length; level++) {
    const following: string[] = [];
    for (const node of frontier) {
      for (const neighbour of next(node)) {
        if (!out.has(neighbour) && neighbour !== id) {
          out.add(neighbour);
          following.push(neighbour);
        }
      }
    }
    frontier = following;
  }
  return out;
}
