import { randomBytes } from 'node:crypto';
import type { ClusterRegistry } from './cluster-registry.js';
import { ControlPlaneError, invalidCombination, invalidParameter, missingParameter } from './control-plane-error.js';
import { clusterNode, queryResponse } from './query-xml.js';

const IDENTIFIER = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export interface ControlPlaneDeps {
  clusters: ClusterRegistry;
  postgresPort: number;
}

function required(params: URLSearchParams, name: string): string {
  const value = params.get(name);
  if (value === null || value === '') throw missingParameter(name);
  return value;
}

/** awsQuery flattens lists as Name.Member.1, Name.Member.2, … */
function list(params: URLSearchParams, prefix: string): string[] {
  const values: string[] = [];
  for (let i = 1; params.has(`${prefix}.${i}`); i += 1) values.push(params.get(`${prefix}.${i}`)!);
  return values;
}

function identifierOf(params: URLSearchParams): string {
  // Redshift stores identifiers in lowercase.
  return required(params, 'ClusterIdentifier').toLowerCase();
}

function createCluster(params: URLSearchParams, deps: ControlPlaneDeps): string {
  const identifier = identifierOf(params);
  if (identifier.length > 63 || !IDENTIFIER.test(identifier)) {
    throw invalidParameter('The parameter ClusterIdentifier must begin with a letter, contain only lowercase letters, digits or hyphens, and not end with a hyphen.');
  }
  const nodeType = required(params, 'NodeType');
  const masterUsername = required(params, 'MasterUsername');
  if (!params.get('MasterUserPassword') && params.get('ManageMasterPassword') !== 'true') throw missingParameter('MasterUserPassword');
  const clusterType = (params.get('ClusterType') ?? 'multi-node') as 'single-node' | 'multi-node';
  const numberOfNodes = Number(params.get('NumberOfNodes') ?? (clusterType === 'single-node' ? 1 : 2));
  if (clusterType === 'multi-node' && numberOfNodes < 2) {
    throw invalidCombination('Number of nodes for cluster type multi-node must be greater than or equal to 2');
  }
  if (clusterType === 'single-node' && numberOfNodes !== 1) throw invalidCombination('Number of nodes for cluster type single-node must be 1');
  const cluster = deps.clusters.create({
    identifier,
    nodeType,
    clusterType,
    numberOfNodes,
    masterUsername,
    dbName: params.get('DBName') ?? 'dev',
    iamRoles: list(params, 'IamRoles.IamRoleArn'),
    publiclyAccessible: params.get('PubliclyAccessible') === 'true',
  });
  return queryResponse('CreateCluster', { Cluster: clusterNode(cluster, deps.postgresPort) });
}

function describeClusters(params: URLSearchParams, deps: ControlPlaneDeps): string {
  const identifier = params.get('ClusterIdentifier');
  const all = identifier ? [deps.clusters.get(identifier.toLowerCase())] : deps.clusters.list();
  const maxRecords = Number(params.get('MaxRecords') ?? 100);
  if (!(maxRecords >= 20 && maxRecords <= 100)) throw invalidParameter('MaxRecords must be between 20 and 100');
  const offset = Number(params.get('Marker') ?? 0);
  const page = all.slice(offset, offset + maxRecords);
  return queryResponse('DescribeClusters', {
    Clusters: { Cluster: page.map((cluster) => clusterNode(cluster, deps.postgresPort)) },
    Marker: offset + maxRecords < all.length ? String(offset + maxRecords) : undefined,
  });
}

function deleteCluster(params: URLSearchParams, deps: ControlPlaneDeps): string {
  const identifier = identifierOf(params);
  if (params.get('SkipFinalClusterSnapshot') !== 'true' && !params.get('FinalClusterSnapshotIdentifier')) {
    throw invalidCombination('FinalClusterSnapshotIdentifier is required unless SkipFinalClusterSnapshot is specified.');
  }
  return queryResponse('DeleteCluster', { Cluster: clusterNode(deps.clusters.delete(identifier), deps.postgresPort) });
}

function getClusterCredentials(params: URLSearchParams, deps: ControlPlaneDeps): string {
  const dbUser = required(params, 'DbUser');
  deps.clusters.get(identifierOf(params));
  const seconds = Number(params.get('DurationSeconds') ?? 900);
  if (!(seconds >= 900 && seconds <= 3600)) throw invalidParameter('DurationSeconds must be between 900 and 3600');
  return queryResponse('GetClusterCredentials', {
    DbUser: `IAM:${dbUser}`,
    DbPassword: randomBytes(24).toString('base64'),
    Expiration: new Date(Date.now() + seconds * 1000),
  });
}

/** Dispatches one awsQuery control-plane action (form body `Action=<Op>&Version=2012-12-01&…`). */
export function handleControlPlane(params: URLSearchParams, deps: ControlPlaneDeps): string {
  const action = params.get('Action') ?? '';
  switch (action) {
    case 'CreateCluster':
      return createCluster(params, deps);
    case 'DescribeClusters':
      return describeClusters(params, deps);
    case 'DeleteCluster':
      return deleteCluster(params, deps);
    case 'PauseCluster':
      return queryResponse('PauseCluster', { Cluster: clusterNode(deps.clusters.pause(identifierOf(params)), deps.postgresPort) });
    case 'ResumeCluster':
      return queryResponse('ResumeCluster', { Cluster: clusterNode(deps.clusters.resume(identifierOf(params)), deps.postgresPort) });
    case 'GetClusterCredentials':
      return getClusterCredentials(params, deps);
    default:
      throw new ControlPlaneError('InvalidAction', `The action ${action} is not supported by the Redshift stand-in`);
  }
}
