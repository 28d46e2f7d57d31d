import { manageCluster } from '../../api/cluster.js';
import { SqlkitError } from '../../errors/index.js';
import { projectOptions, type GlobalFlags } from '../options.js';
import type { Output } from '../output.js';

export interface ClusterFlags extends GlobalFlags {
  yes?: boolean;
  finalSnapshot?: string;
  waitTimeout?: string;
  pollMin?: string;
  pollMax?: string;
}

/** `sqlkit cluster up | status | down`. */
export async function clusterCommand(action: string, flags: ClusterFlags, output: Output): Promise<number> {
  if (action !== 'up' && action !== 'status' && action !== 'down') {
    throw new SqlkitError('CLI_INVALID_ARGUMENT', `Unknown cluster action '${action}'.`, { hint: 'Use sqlkit cluster up, sqlkit cluster status or sqlkit cluster down --yes.' });
  }
  if (action === 'down' && !flags.yes) {
    throw new SqlkitError('CLI_INVALID_ARGUMENT', 'sqlkit cluster down deletes the cluster and its data.', { hint: 'Add --yes to confirm (and --final-snapshot <id> to keep a snapshot).' });
  }
  const seconds = (value: string | undefined, name: string) => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!(n > 0)) throw new SqlkitError('CLI_INVALID_ARGUMENT', `--${name} must be a positive number of seconds, got '${value}'.`, { hint: `Example: --${name} 60` });
    return n;
  };
  const wait = {
    ...(flags.waitTimeout ? { maxWaitTime: seconds(flags.waitTimeout, 'wait-timeout')! } : {}),
    ...(flags.pollMin ? { minDelay: seconds(flags.pollMin, 'poll-min')! } : {}),
    ...(flags.pollMax ? { maxDelay: seconds(flags.pollMax, 'poll-max')! } : {}),
  };
  const outcome = await manageCluster({
    ...projectOptions(flags, output.redactor),
    action,
    wait,
    ...(flags.finalSnapshot ? { finalSnapshot: String(flags.finalSnapshot) } : {}),
    onProgress: (message) => (output.json ? undefined : output.err(message)),
  });
  if (output.json) {
    output.event('cluster', { ...outcome });
    return action === 'status' && !outcome.state ? 1 : 0;
  }
  const state = outcome.state;
  if (action === 'down') output.out(outcome.deleted ? 'Cluster deleted.' : 'No such cluster: nothing to delete.');
  else if (!state) {
    output.out('Cluster not found. Create it with: sqlkit cluster up');
    return 1;
  } else {
    output.out(`${action === 'up' ? (outcome.created ? 'Created' : 'Ready') : 'Cluster'}: ${state.identifier}`);
    output.out(`  status    ${state.status}`);
    if (state.endpoint) output.out(`  endpoint  ${state.endpoint}`);
    if (state.nodeType) output.out(`  nodes     ${state.nodes ?? 1} x ${state.nodeType}`);
    if (state.database) output.out(`  database  ${state.database}`);
    if (state.iamRoles.length) output.out(`  roles     ${state.iamRoles.join(', ')}`);
  }
  return 0;
}
