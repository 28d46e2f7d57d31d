/** An awsQuery error reply: `<ErrorResponse><Error><Code>…` with the status the SDK expects for that code. */
export class ControlPlaneError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}

export const clusterNotFound = (identifier: string) => new ControlPlaneError('ClusterNotFound', `Cluster ${identifier} not found.`, 404);
export const invalidState = (message: string) => new ControlPlaneError('InvalidClusterState', message);
export const invalidParameter = (message: string) => new ControlPlaneError('InvalidParameterValue', message);
export const invalidCombination = (message: string) => new ControlPlaneError('InvalidParameterCombination', message);
export const missingParameter = (name: string) => new ControlPlaneError('MissingParameter', `The request must contain the parameter ${name}`);
