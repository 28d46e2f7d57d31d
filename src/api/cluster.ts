import { SqlkitError } from '../errors/index.js';
import { readProject } from '../project/index.js';
import { addConfigSecrets, type ProjectOptions } from './open-project.js';
import type { ClusterState, WaitOptions } from '../adapters/redshift/redshift-cluster.js';

export type { ClusterState, WaitOptions };

export interface ClusterCommandOptions extends ProjectOptions {
  action: 'up' | 'status' | 'down';
  wait?: Partial<WaitOptions>;
  finalSnapshot?: string;
  onProgress?: (message: string) => void;
}

export interface ClusterOutcome {
  action: ClusterCommandOptions['action'];
  state?: ClusterState;
  created?: boolean;
  deleted?: boolean;
}

/** Runs a cluster lifecycle action for the project's `cluster:` block; the AWS SDK loads only here. */
export async function manageCluster(options: ClusterCommandOptions): Promise<ClusterOutcome> {
  const env = options.env ?? process.env;
  const files = readProject({ projectDir: options.projectDir ?? process.cwd(), env, ...(options.target ? { targetName: options.target } : {}) });
  if (options.redactor) addConfigSecrets(options.redactor, files, env);
  const config = files.config.cluster;
  if (!config) {
    throw new SqlkitError('CONFIG_INVALID', 'project.yml has no cluster: block.', {
      location: { file: 'project.yml' },
      hint: 'Add cluster: { identifier, node_type, number_of_nodes, database, master_username, master_password_env, iam_roles, region }.',
    });
  }
  const cluster = await import('../adapters/redshift/redshift-cluster.js');
  const wait = { ...cluster.DEFAULT_WAIT, ...options.wait };
  const progress = options.onProgress ?? (() => undefined);
  const common = { config, env, wait };
  if (options.action === 'status') {
    const client = cluster.createClusterClient(config);
    try {
      const state = await cluster.clusterStatus(client, config.identifier);
      return { action: 'status', ...(state ? { state } : {}) };
    } finally {
      client.destroy();
    }
  }
  if (options.action === 'up') {
    const { state, created } = await cluster.clusterUp(common, progress);
    return { action: 'up', state, created };
  }
  const deleted = await cluster.clusterDown({ ...common, ...(options.finalSnapshot ? { finalSnapshot: options.finalSnapshot } : {}) }, progress);
  return { action: 'down', deleted };
}
