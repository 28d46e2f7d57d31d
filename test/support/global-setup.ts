import type { TestProject } from 'vitest/node';
import './provided-context.js';
import { needsPostgres, testEngines } from './engines.js';
import { startPostgresServer } from './postgres-server.js';

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (!needsPostgres(testEngines())) {
    project.provide('postgres', null);
    return undefined;
  }
  const server = await startPostgresServer();
  const { host, port, user, password, database } = server;
  project.provide('postgres', { host, port, user, password, database });
  return () => server.stop();
}
