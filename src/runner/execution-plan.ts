import type { CompiledProject, ManifestNode } from '../compile/index.js';
import { isModel, isSource, isTest } from '../compile/index.js';
import { ancestors, selectNodes, type SelectionInput } from '../graph/index.js';
import type { Command } from './run-events.js';

export interface ExecutionPlan {
  /** Nodes to execute, keyed by unique id. */
  nodes: Map<string, ManifestNode>;
  /** For each node, the nodes in the plan it must wait for. */
  waitsFor: Map<string, Set<string>>;
}

/**
 * Which nodes a command executes and in what order. Dependencies through nodes left out of the selection still
 * order the selected ones. In `build`, a node also waits for the tests of its parents, so a failing test stops
 * only what is downstream of the tested node.
 */
export function planExecution(compiled: CompiledProject, command: Command, selection: SelectionInput): ExecutionPlan {
  const all = new Map(Object.entries(compiled.manifest.nodes));
  const selected = selectNodes(all, compiled.graph, selection);
  const nodes = new Map<string, ManifestNode>();
  for (const id of selected) {
    const node = all.get(id)!;
    if (isExecuted(node, command)) nodes.set(id, node);
  }
  const waitsFor = new Map<string, Set<string>>();
  for (const [id, node] of nodes) waitsFor.set(id, nearestPlannedAncestors(node, all, nodes));
  if (command === 'build') addTestBarriers(nodes, waitsFor, compiled);
  return { nodes, waitsFor };
}

function isExecuted(node: ManifestNode, command: Command): boolean {
  if (isTest(node)) return command !== 'run';
  if (command === 'test') return false;
  if (isModel(node)) return true;
  if (isSource(node)) return Boolean(node.load);
  return false;
}

function nearestPlannedAncestors(node: ManifestNode, all: Map<string, ManifestNode>, planned: Map<string, ManifestNode>): Set<string> {
  const found = new Set<string>();
  const seen = new Set<string>();
  const stack = [...node.dependsOn];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    if (planned.has(id)) found.add(id);
    else stack.push(...(all.get(id)?.dependsOn ?? []));
  }
  return found;
}

function addTestBarriers(nodes: Map<string, ManifestNode>, waitsFor: Map<string, Set<string>>, compiled: CompiledProject): void {
  for (const [testId, test] of nodes) {
    if (!isTest(test)) continue;
    const parents = test.dependsOn.filter((p) => nodes.has(p));
    for (const [id, node] of nodes) {
      if (isTest(node) || id === testId || parents.includes(id)) continue;
      const waits = waitsFor.get(id)!;
      if (!parents.some((p) => waits.has(p))) continue;
      // A child that some other parent of the test depends on cannot wait for the test: that would be a cycle.
      if (parents.some((p) => p !== id && ancestors(compiled.graph, p).has(id))) continue;
      waits.add(testId);
    }
  }
}
