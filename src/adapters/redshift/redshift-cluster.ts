import {
  ClusterNotFoundFault,
  CreateClusterCommand,
  DeleteClusterCommand,
  DescribeClustersCommand,
  RedshiftClient,
  waitUntilClusterAvailable,
  waitUntilClusterDeleted,
  type Cluster,
} from '@aws-sdk/client-redshift';
import type { ClusterConfig } from '../../config/index.js';
import { SqlkitError } from '../../errors/index.js';

export interface ClusterState {
  identifier: string;
  status: string;
  endpoint?: string;
  nodeType?: string;
  nodes?: number;
  database?: string;
  iamRoles: string[];
}

export interface WaitOptions {
  /** Seconds between polls, growing from min to max (AWS SDK waiter semantics). */
  minDelay: number;
  maxDelay: number;
  /** Seconds before giving up. */
  maxWaitTime: number;
}

export interface ClusterOptions {
  config: ClusterConfig;
  env: Record<string, string | undefined>;
  wait: WaitOptions;
}

export const DEFAULT_WAIT: WaitOptions = { minDelay: 30, maxDelay: 120, maxWaitTime: 3600 };

/** `sqlkit cluster up|status|down` through the Redshift control plane; replaces the setup notebook. */
export function createClusterClient(config: ClusterConfig): RedshiftClient {
  return new RedshiftClient({ region: config.region, ...(config.endpoint ? { endpoint: config.endpoint } : {}) });
}

export async function clusterStatus(client: RedshiftClient, identifier: string): Promise<ClusterState | undefined> {
  try {
    const output = await client.send(new DescribeClustersCommand({ ClusterIdentifier: identifier }));
    const cluster = output.Clusters?.[0];
    return cluster ? stateOf(cluster) : undefined;
  } catch (error) {
    if (error instanceof ClusterNotFoundFault || (error as { name?: string }).name === 'ClusterNotFoundFault') return undefined;
    throw translate(error);
  }
}

/** Creates the cluster unless it exists, then waits until it is available. */
export async function clusterUp(options: ClusterOptions, onProgress: (message: string) => void): Promise<{ state: ClusterState; created: boolean }> {
  const { config } = options;
  const client = createClusterClient(config);
  try {
    const existing = await clusterStatus(client, config.identifier);
    let created = false;
    if (!existing) {
      const password = options.env[config.master_password_env];
      if (!password) {
        throw new SqlkitError('CONFIG_ENV_VAR_MISSING', `The master password variable ${config.master_password_env} is not set.`, {
          location: { file: 'project.yml' },
          hint: `Export ${config.master_password_env} (8-64 characters with upper case, lower case and a digit) before 'sqlkit cluster up'.`,
        });
      }
      onProgress(`Creating cluster ${config.identifier} (${config.number_of_nodes} x ${config.node_type})...`);
      await client
        .send(
          new CreateClusterCommand({
            ClusterIdentifier: config.identifier,
            NodeType: config.node_type,
            ClusterType: config.number_of_nodes > 1 ? 'multi-node' : 'single-node',
            ...(config.number_of_nodes > 1 ? { NumberOfNodes: config.number_of_nodes } : {}),
            DBName: config.database,
            MasterUsername: config.master_username,
            MasterUserPassword: password,
            IamRoles: config.iam_roles,
            PubliclyAccessible: config.publicly_accessible,
            Port: config.port,
          }),
        )
        .catch((error) => {
          throw translate(error);
        });
      created = true;
    } else if (existing.status === 'available') {
      return { state: existing, created: false };
    } else {
      onProgress(`Cluster ${config.identifier} exists (${existing.status}); waiting until it is available...`);
    }
    onProgress(`Waiting for ${config.identifier} to become available...`);
    await waitUntilClusterAvailable({ client, ...options.wait }, { ClusterIdentifier: config.identifier }).catch((error) => {
      throw waiterError(error, config.identifier, 'available', options.wait);
    });
    const state = await clusterStatus(client, config.identifier);
    if (!state) throw new SqlkitError('ADAPTER_CONNECTION', `Cluster ${config.identifier} disappeared while starting.`);
    return { state, created };
  } finally {
    client.destroy();
  }
}

/** Deletes the cluster (optionally keeping a final snapshot) and waits until it is gone. */
export async function clusterDown(options: ClusterOptions & { finalSnapshot?: string }, onProgress: (message: string) => void): Promise<boolean> {
  const { config } = options;
  const client = createClusterClient(config);
  try {
    const existing = await clusterStatus(client, config.identifier);
    if (!existing) return false;
    if (existing.status !== 'deleting') {
      onProgress(`Deleting cluster ${config.identifier}${options.finalSnapshot ? ` (final snapshot ${options.finalSnapshot})` : ' (no final snapshot)'}...`);
      await client
        .send(
          new DeleteClusterCommand({
            ClusterIdentifier: config.identifier,
            ...(options.finalSnapshot ? { FinalClusterSnapshotIdentifier: options.finalSnapshot, SkipFinalClusterSnapshot: false } : { SkipFinalClusterSnapshot: true }),
          }),
        )
        .catch((error) => {
          throw translate(error);
        });
    }
    onProgress(`Waiting for ${config.identifier} to be deleted...`);
    await waitUntilClusterDeleted({ client, ...options.wait }, { ClusterIdentifier: config.identifier }).catch((error) => {
      throw waiterError(error, config.identifier, 'deleted', options.wait);
    });
    return true;
  } finally {
    client.destroy();
  }
}

function stateOf(cluster: Cluster): ClusterState {
  return {
    identifier: cluster.ClusterIdentifier ?? '',
    status: cluster.ClusterStatus ?? 'unknown',
    ...(cluster.Endpoint?.Address ? { endpoint: `${cluster.Endpoint.Address}:${cluster.Endpoint.Port ?? ''}` } : {}),
    ...(cluster.NodeType ? { nodeType: cluster.NodeType } : {}),
    ...(cluster.NumberOfNodes ? { nodes: cluster.NumberOfNodes } : {}),
    ...(cluster.DBName ? { database: cluster.DBName } : {}),
    iamRoles: (cluster.IamRoles ?? []).map((r) => r.IamRoleArn ?? '').filter(Boolean),
  };
}

function translate(error: unknown): SqlkitError {
  if (error instanceof SqlkitError) return error;
  const name = (error as { name?: string }).name ?? 'Error';
  const message = (error as Error).message ?? String(error);
  const auth = /credential|AccessDenied|UnrecognizedClient|InvalidSignature/i.test(`${name} ${message}`);
  return new SqlkitError(auth ? 'ADAPTER_AUTH' : 'ADAPTER_CONNECTION', `Redshift control plane: ${name}: ${message}`, {
    hint: auth
      ? 'sqlkit uses the AWS default credential chain; the identity needs redshift:CreateCluster, DescribeClusters, DeleteCluster and iam:PassRole for the roles attached.'
      : 'Check the cluster: block in project.yml (identifier, node_type, region).',
    cause: error,
  });
}

function waiterError(error: unknown, identifier: string, state: string, wait: WaitOptions): SqlkitError {
  const reason = (error as { state?: string; reason?: unknown }).state ?? (error as Error).message;
  return new SqlkitError('ADAPTER_TIMEOUT', `Cluster ${identifier} did not become ${state} (${reason}).`, {
    hint: `Waited up to ${wait.maxWaitTime}s; check 'sqlkit cluster status' and the AWS console, or raise --wait-timeout.`,
    cause: error,
  });
}
