export { buildDag, dependencyGenerations, findCycles, ancestors, descendants, type Dag } from './dag.js';
export { selectNodes, type SelectionInput } from './selector.js';
export type { GraphNode } from './graph-node.js';
