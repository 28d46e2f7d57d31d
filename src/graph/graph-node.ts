/** The part of a manifest node the graph and the selector need. */
export interface GraphNode {
  uniqueId: string;
  resourceType: string;
  name: string;
  path: string;
  fqn: string[];
  dependsOn: string[];
  tags: string[];
  config?: object;
  /** Tests: the model or source they are declared on. */
  attachedTo?: string;
  testType?: string;
  /** Tests: the generic test (not_null, unique, ...) or the singular test's file name. */
  testName?: string;
  sourceName?: string;
  tableName?: string;
}
