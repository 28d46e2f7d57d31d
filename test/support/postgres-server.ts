import { randomBytes } from 'node:crypto';
import { chown, mkdir, mkdtemp, appendFile, rm, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { findPostgresBinDir } from './postgres-binaries.js';
import { runCommand, runCommandSync } from './run-command.js';

/** Plain, serialisable connection data, safe to pass through vitest's provide/inject. */
export interface PostgresConnectionInfo {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

export interface PostgresServer extends PostgresConnectionInfo {
  connectionString: string;
  stop(): Promise<void>;
}

export interface PostgresServerOptions {
  /** Extra postgresql.conf settings. */
  settings?: Record<string, string | number>;
  maxConnections?: number;
}

const SUPERUSER = 'sqlkit';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function postgresOsUser(): { name: string; uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { name: 'postgres', uid: id('-u'), gid: id('-g') };
  } catch {
    throw new Error('Running as root, but there is no `postgres` OS user to run PostgreSQL as (apt-get install -y postgresql creates it).');
  }
}

function quoteConf(value: string | number): string {
  return typeof value === 'number' ? String(value) : `'${value.replace(/'/g, "''")}'`;
}

/** Starts a throwaway PostgreSQL server in a fresh temp directory, listening on 127.0.0.1. */
export async function startPostgresServer(options: PostgresServerOptions = {}): Promise<PostgresServer> {
  const binDir = findPostgresBinDir();
  const osUser = postgresOsUser();
  const root = await mkdtemp(path.join(os.tmpdir(), 'sqlkit-pg-'));
  const dataDir = path.join(root, 'data');
  const socketDir = path.join(root, 'sock');
  const password = randomBytes(18).toString('hex');
  const run = { cwd: root, ...(osUser ? { asUser: osUser.name } : {}) };
  const bin = (name: string) => path.join(binDir, name);

  await mkdir(socketDir);
  await writeFile(path.join(root, 'pwfile'), `${password}\n`, { mode: 0o600 });
  if (osUser) {
    for (const p of [root, socketDir, path.join(root, 'pwfile')]) await chown(p, osUser.uid, osUser.gid);
  }

  let stopped = false;
  const stopSync = () => {
    if (!stopped) runCommandSync(bin('pg_ctl'), ['stop', '-D', dataDir, '-m', 'immediate'], run);
  };
  try {
    await runCommand(
      bin('initdb'),
      ['-D', dataDir, '-U', SUPERUSER, `--pwfile=${path.join(root, 'pwfile')}`, '-A', 'scram-sha-256', '-E', 'UTF8', '--locale=C'],
      run,
    );
    const port = await freePort();
    const settings: Record<string, string | number> = {
      listen_addresses: '127.0.0.1',
      port,
      unix_socket_directories: socketDir,
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
      max_connections: options.maxConnections ?? 200,
      max_locks_per_transaction: 256,
      TimeZone: 'UTC',
      log_timezone: 'UTC',
      ...options.settings,
    };
    const conf = Object.entries(settings).map(([key, value]) => `${key} = ${quoteConf(value)}`).join('\n');
    await appendFile(path.join(dataDir, 'postgresql.conf'), `\n# sqlkit test server\n${conf}\n`);
    process.once('exit', stopSync);
    await runCommand(bin('pg_ctl'), ['start', '-D', dataDir, '-w', '-t', '60', '-s', '-l', path.join(root, 'server.log')], run);

    const info: PostgresConnectionInfo = { host: '127.0.0.1', port, user: SUPERUSER, password, database: 'postgres' };
    await ping(info);
    return {
      ...info,
      connectionString: `postgresql://${SUPERUSER}:${password}@127.0.0.1:${port}/postgres`,
      async stop() {
        if (stopped) return;
        await runCommand(bin('pg_ctl'), ['stop', '-D', dataDir, '-m', 'immediate', '-w', '-s'], run).catch(() => undefined);
        stopped = true;
        process.removeListener('exit', stopSync);
        await rm(root, { recursive: true, force: true });
      },
    };
  } catch (error) {
    stopSync();
    stopped = true;
    process.removeListener('exit', stopSync);
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}

async function ping(info: PostgresConnectionInfo): Promise<void> {
  const client = new pg.Client(info);
  await client.connect();
  await client.end();
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function withAdminClient<T>(server: PostgresConnectionInfo, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ ...server, database: 'postgres' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createDatabase(server: PostgresConnectionInfo, name: string): Promise<void> {
  await withAdminClient(server, (client) => client.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE template0 ENCODING 'UTF8'`));
}

/** Drops the database even while sessions are connected to it. */
export async function dropDatabase(server: PostgresConnectionInfo, name: string): Promise<void> {
  await withAdminClient(server, (client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
}
