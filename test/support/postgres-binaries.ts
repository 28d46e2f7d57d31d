import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const REQUIRED = ['initdb', 'pg_ctl', 'postgres'] as const;

function hasBinaries(dir: string): boolean {
  return REQUIRED.every((name) => existsSync(path.join(dir, name)));
}

function pgConfigBinDir(): string | undefined {
  try {
    return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

function debianBinDirs(): string[] {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((version) => /^\d+$/.test(version))
    .sort((a, b) => Number(b) - Number(a))
    .map((version) => path.join(root, version, 'bin'));
}

function pathDirs(): string[] {
  return (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
}

/** The directory holding initdb, pg_ctl and postgres, or an Error telling how to install them. */
export function findPostgresBinDir(): string {
  const candidates = [pgConfigBinDir(), ...debianBinDirs(), ...pathDirs()].filter(
    (dir): dir is string => dir !== undefined && dir !== '',
  );
  const found = candidates.find(hasBinaries);
  if (found === undefined) {
    throw new Error(
      'PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found in `pg_config --bindir`, ' +
        '/usr/lib/postgresql/*/bin or PATH. Install them with `apt-get install -y postgresql`, ' +
        'or set SQLKIT_TEST_ENGINES=duckdb to skip the postgres and redshift engines.',
    );
  }
  return found;
}
