export { runProject, newRunId, type RunProjectOptions } from './run-project.js';
export { planExecution, type ExecutionPlan } from './execution-plan.js';
export type { Command, NodeResult, NodeStatus, RunEvent, RunSummary, NodeErrorInfo } from './run-events.js';
export { hasFailures } from './run-events.js';
export { errorInfo } from './execute-node.js';
