import {
  CreateClusterCommand,
  DeleteClusterCommand,
  DescribeClustersCommand,
  GetClusterCredentialsCommand,
  PauseClusterCommand,
  RedshiftClient,
  ResumeClusterCommand,
  waitUntilClusterAvailable,
  waitUntilClusterDeleted,
} from '@aws-sdk/client-redshift';
import { ExecuteStatementCommand } from '@aws-sdk/client-redshift-data';
import pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { startRedshiftStandin } from '../support/redshift-standin/index.js';
import type { RedshiftStandin } from '../support/redshift-standin/index.js';
import { dataApiClient, queryRows, TEST_CREDENTIALS } from './data-api-helpers.js';

const postgres = inject('postgres');

function redshiftClient(endpoint: string, maxAttempts?: number): RedshiftClient {
  return new RedshiftClient({ endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS, ...(maxAttempts ? { maxAttempts } : {}) });
}

async function pgDatabaseExists(name: string): Promise<boolean> {
  const client = new pg.Client(postgres!);
  await client.connect();
  try {
    return (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rows.length > 0;
  } finally {
    await client.end();
  }
}

describe.skipIf(!postgres)('Redshift control plane stand-in: waiters', () => {
  let standin: RedshiftStandin;
  let redshift: RedshiftClient;

  beforeAll(async () => {
    standin = await startRedshiftStandin({ postgres: postgres!, s3Root: '/nonexistent', clusterTransitionMs: 1000 });
    redshift = redshiftClient(standin.endpoint);
  });

  afterAll(() => standin?.stop());

  test('create → wait available → describe → query → delete → wait deleted', async () => {
    const created = await redshift.send(
      new CreateClusterCommand({
        ClusterIdentifier: 'sparkify-dwh',
        NodeType: 'ra3.xlplus',
        ClusterType: 'single-node',
        MasterUsername: 'awsuser',
        MasterUserPassword: 'Passw0rd!',
        DBName: 'sparkify',
        IamRoles: ['arn:aws:iam::123456789012:role/sparkify-loader'],
      }),
    );
    expect(created.Cluster).toMatchObject({ ClusterIdentifier: 'sparkify-dwh', ClusterStatus: 'creating', DBName: 'sparkify' });
    expect(created.Cluster!.Endpoint).toBeUndefined();

    const waiter = { client: redshift, maxWaitTime: 20, minDelay: 1, maxDelay: 2 };
    const available = await waitUntilClusterAvailable(waiter, { ClusterIdentifier: 'sparkify-dwh' });
    expect(available.state).toBe('SUCCESS');
    const { Clusters } = await redshift.send(new DescribeClustersCommand({ ClusterIdentifier: 'sparkify-dwh' }));
    expect(Clusters![0]).toMatchObject({
      ClusterStatus: 'available',
      Endpoint: { Address: '127.0.0.1', Port: postgres!.port },
      NumberOfNodes: 1,
      MasterUsername: 'awsuser',
      IamRoles: [{ IamRoleArn: 'arn:aws:iam::123456789012:role/sparkify-loader', ApplyStatus: 'in-sync' }],
    });
    expect(Clusters![0]!.ClusterCreateTime).toBeInstanceOf(Date);

    const data = dataApiClient(standin.endpoint, 1);
    const target = { ClusterIdentifier: 'sparkify-dwh', Database: 'sparkify', DbUser: 'awsuser' };
    expect(await queryRows(data, target, 'SELECT current_database() LIKE \'rs_sparkify_dwh_sparkify_%\'')).toEqual([[true]]);
    const direct = new pg.Client(standin.pgConnectionFor('sparkify-dwh', 'sparkify'));
    await direct.connect();
    expect((await direct.query('SELECT count(*)::int AS n FROM rs_compat.late_binding_views')).rows).toEqual([{ n: 0 }]);
    await direct.end();

    const deleting = await redshift.send(new DeleteClusterCommand({ ClusterIdentifier: 'sparkify-dwh', SkipFinalClusterSnapshot: true }));
    expect(deleting.Cluster!.ClusterStatus).toBe('deleting');
    const deleted = await waitUntilClusterDeleted(waiter, { ClusterIdentifier: 'sparkify-dwh' });
    expect(deleted.state).toBe('SUCCESS');
    await expect(redshiftClient(standin.endpoint, 1).send(new DescribeClustersCommand({ ClusterIdentifier: 'sparkify-dwh' }))).rejects.toMatchObject({
      name: 'ClusterNotFoundFault',
      $metadata: { httpStatusCode: 404 },
    });
    expect(await pgDatabaseExists(standin.pgDatabaseFor('sparkify-dwh', 'sparkify'))).toBe(false);
  });
});

describe.skipIf(!postgres)('Redshift control plane stand-in: errors and states', () => {
  let standin: RedshiftStandin;
  let redshift: RedshiftClient;

  beforeAll(async () => {
    standin = await startRedshiftStandin({ postgres: postgres!, s3Root: '/nonexistent', clusters: [{ identifier: 'ready', database: 'dev' }] });
    redshift = redshiftClient(standin.endpoint, 1);
  });

  afterAll(() => standin?.stop());

  async function waitForStatus(identifier: string, status: string): Promise<void> {
    for (let i = 0; i < 200; i += 1) {
      const { Clusters } = await redshift.send(new DescribeClustersCommand({ ClusterIdentifier: identifier }));
      if (Clusters![0]!.ClusterStatus === status) return;
      await sleep(10);
    }
    throw new Error(`cluster ${identifier} never became ${status}`);
  }

  test('reports awsQuery errors the SDK maps to its faults', async () => {
    const create = { ClusterIdentifier: 'ready', NodeType: 'ra3.xlplus', ClusterType: 'single-node', MasterUsername: 'u', MasterUserPassword: 'Passw0rd!' };
    await expect(redshift.send(new CreateClusterCommand(create))).rejects.toMatchObject({ name: 'ClusterAlreadyExistsFault' });
    await expect(redshift.send(new CreateClusterCommand({ ...create, ClusterIdentifier: '1-bad' }))).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    await expect(redshift.send(new DescribeClustersCommand({ ClusterIdentifier: 'missing' }))).rejects.toMatchObject({
      name: 'ClusterNotFoundFault',
      message: 'Cluster missing not found.',
    });
    await expect(redshift.send(new DeleteClusterCommand({ ClusterIdentifier: 'ready' }))).rejects.toMatchObject({ name: 'InvalidParameterCombination' });
    await expect(redshift.send(new ResumeClusterCommand({ ClusterIdentifier: 'ready' }))).rejects.toMatchObject({ name: 'InvalidClusterStateFault' });
  });

  test('a paused cluster refuses Data API statements until resumed', async () => {
    const data = dataApiClient(standin.endpoint, 1);
    const statement = { ClusterIdentifier: 'ready', Database: 'dev', DbUser: 'awsuser', Sql: 'SELECT 1' };
    expect((await redshift.send(new PauseClusterCommand({ ClusterIdentifier: 'ready' }))).Cluster!.ClusterStatus).toBe('pausing');
    await waitForStatus('ready', 'paused');
    await expect(data.send(new ExecuteStatementCommand(statement))).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Redshift cluster ready is not available (status: paused).',
    });
    await redshift.send(new ResumeClusterCommand({ ClusterIdentifier: 'ready' }));
    await waitForStatus('ready', 'available');
    expect(await queryRows(data, statement, statement.Sql)).toEqual([[1]]);
  });

  test('GetClusterCredentials hands out temporary credentials', async () => {
    const credentials = await redshift.send(new GetClusterCredentialsCommand({ ClusterIdentifier: 'ready', DbUser: 'loader', DurationSeconds: 900 }));
    expect(credentials.DbUser).toBe('IAM:loader');
    expect(credentials.DbPassword).toMatch(/.{16,}/);
    expect(credentials.Expiration!.getTime()).toBeGreaterThan(Date.now() + 800_000);
  });

  test('DescribeClusters is retried by the SDK when throttled', async () => {
    standin.faults.throttle('DescribeClusters');
    const { Clusters, $metadata } = await redshiftClient(standin.endpoint).send(new DescribeClustersCommand({}));
    expect(Clusters!.map((c) => c.ClusterIdentifier)).toEqual(['ready']);
    expect($metadata.attempts).toBe(2);
  });
});
