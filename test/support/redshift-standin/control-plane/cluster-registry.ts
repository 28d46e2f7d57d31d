import type { DatabaseRegistry, Target } from '../engine/database-registry.js';
import { clusterNotFound, ControlPlaneError, invalidState } from './control-plane-error.js';

export type ClusterStatus = 'creating' | 'available' | 'deleting' | 'pausing' | 'paused' | 'resuming';

export interface Cluster {
  identifier: string;
  nodeType: string;
  clusterType: 'single-node' | 'multi-node';
  numberOfNodes: number;
  status: ClusterStatus;
  masterUsername: string;
  dbName: string;
  createTime: Date;
  iamRoles: string[];
  publiclyAccessible: boolean;
}

export interface ClusterInput {
  identifier: string;
  nodeType?: string;
  clusterType?: 'single-node' | 'multi-node';
  numberOfNodes?: number;
  masterUsername?: string;
  dbName?: string;
  iamRoles?: string[];
  publiclyAccessible?: boolean;
}

/**
 * Clusters and workgroups with their state machines (creating → available, available → pausing → paused,
 * paused → resuming → available, * → deleting → gone). Each transition takes `transitionMs`; a cluster's
 * databases exist while it does.
 */
export class ClusterRegistry {
  private readonly clusters = new Map<string, Cluster>();
  private readonly workgroups = new Map<string, string[]>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly databases: DatabaseRegistry,
    private readonly transitionMs: number,
  ) {}

  private after(ms: number, fn: () => Promise<void> | void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void Promise.resolve(fn()).catch(() => undefined);
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  private transition(cluster: Cluster, during: ClusterStatus, to: ClusterStatus | 'gone', work?: () => Promise<void>): void {
    cluster.status = during;
    const started = Date.now();
    const finish = async () => {
      await work?.();
      const remaining = this.transitionMs - (Date.now() - started);
      const apply = () => {
        if (this.clusters.get(cluster.identifier) !== cluster) return;
        if (to === 'gone') this.clusters.delete(cluster.identifier);
        else cluster.status = to;
      };
      if (remaining > 0) this.after(remaining, apply);
      else apply();
    };
    this.after(0, finish);
  }

  private toCluster(input: ClusterInput, status: ClusterStatus): Cluster {
    return {
      identifier: input.identifier,
      nodeType: input.nodeType ?? 'ra3.xlplus',
      clusterType: input.clusterType ?? 'single-node',
      numberOfNodes: input.numberOfNodes ?? 1,
      status,
      masterUsername: input.masterUsername ?? 'awsuser',
      dbName: input.dbName ?? 'dev',
      createTime: new Date(),
      iamRoles: input.iamRoles ?? [],
      publiclyAccessible: input.publiclyAccessible ?? false,
    };
  }

  /** Pre-provisioned: available at once, with its databases created before this resolves. */
  async provision(input: ClusterInput, databases: readonly string[]): Promise<void> {
    const cluster = this.toCluster(input, 'available');
    const names = databases.length > 0 ? databases : [cluster.dbName];
    await Promise.all(names.map((database) => this.databases.create({ kind: 'cluster', name: cluster.identifier }, database)));
    this.clusters.set(cluster.identifier, cluster);
  }

  async provisionWorkgroup(name: string, databases: readonly string[]): Promise<void> {
    const names = databases.length > 0 ? databases : ['dev'];
    await Promise.all(names.map((database) => this.databases.create({ kind: 'workgroup', name }, database)));
    this.workgroups.set(name, [...names]);
  }

  create(input: ClusterInput): Cluster {
    if (this.clusters.has(input.identifier)) throw new ControlPlaneError('ClusterAlreadyExists', 'Cluster already exists');
    const cluster = this.toCluster(input, 'creating');
    this.clusters.set(cluster.identifier, cluster);
    this.transition(cluster, 'creating', 'available', async () => {
      await this.databases.create({ kind: 'cluster', name: cluster.identifier }, cluster.dbName);
    });
    return { ...cluster };
  }

  get(identifier: string): Cluster {
    const cluster = this.clusters.get(identifier);
    if (!cluster) throw clusterNotFound(identifier);
    return cluster;
  }

  list(): Cluster[] {
    return [...this.clusters.values()].sort((a, b) => a.identifier.localeCompare(b.identifier));
  }

  delete(identifier: string): Cluster {
    const cluster = this.get(identifier);
    if (cluster.status === 'deleting' || cluster.status === 'creating') {
      throw invalidState(`There is an operation running on the Cluster ${identifier}. Please try to delete it at a later time.`);
    }
    this.transition(cluster, 'deleting', 'gone', () => this.databases.dropTarget({ kind: 'cluster', name: identifier }));
    return { ...cluster };
  }

  pause(identifier: string): Cluster {
    const cluster = this.get(identifier);
    if (cluster.status !== 'available') throw invalidState(`You can only pause a cluster that is available. Cluster ${identifier} is ${cluster.status}.`);
    this.transition(cluster, 'pausing', 'paused');
    return { ...cluster };
  }

  resume(identifier: string): Cluster {
    const cluster = this.get(identifier);
    if (cluster.status !== 'paused') throw invalidState(`You can only resume a cluster that is paused. Cluster ${identifier} is ${cluster.status}.`);
    this.transition(cluster, 'resuming', 'available');
    return { ...cluster };
  }

  /** Why the Data API cannot run statements on the target, or undefined when it can. */
  unavailableReason(target: Target): string | undefined {
    if (target.kind === 'workgroup') {
      return this.workgroups.has(target.name) ? undefined : `Redshift Serverless workgroup ${target.name} does not exist.`;
    }
    const cluster = this.clusters.get(target.name);
    if (!cluster) return `Redshift cluster ${target.name} does not exist.`;
    if (cluster.status !== 'available') return `Redshift cluster ${target.name} is not available (status: ${cluster.status}).`;
    return undefined;
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
