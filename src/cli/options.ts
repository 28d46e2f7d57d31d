import { parse as parseYaml } from 'yaml';
import { SqlkitError, type Redactor } from '../errors/index.js';
import type { ProjectOptions } from '../index.js';

export interface GlobalFlags {
  projectDir?: string;
  target?: string;
  vars?: string;
  logFormat?: string;
  debug?: boolean;
  color?: boolean;
  partialParse?: boolean;
}

export interface SelectionFlags {
  select?: string | string[];
  exclude?: string | string[];
  threads?: string | number;
  fullRefresh?: boolean;
  storeFailures?: boolean;
}

/** The API's project options from the global flags; `redactor` collects the project's secrets for the output. */
export function projectOptions(flags: GlobalFlags, redactor?: Redactor): ProjectOptions {
  return {
    ...(redactor ? { redactor } : {}),
    ...(flags.projectDir ? { projectDir: String(flags.projectDir) } : {}),
    ...(flags.target ? { target: String(flags.target) } : {}),
    ...(flags.vars !== undefined ? { vars: parseVars(flags.vars) } : {}),
    ...(flags.partialParse === false ? { partialParse: false } : {}),
  };
}

/** --vars takes YAML or JSON (JSON is YAML): a mapping of names to values. */
export function parseVars(text: unknown): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseYaml(String(text));
  } catch (error) {
    throw new SqlkitError('CLI_INVALID_ARGUMENT', `--vars is not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`, {
      hint: `Example: --vars '{play_page: NextSong, min_year: 2000}' or --vars '{"play_page": "NextSong"}'.`,
    });
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new SqlkitError('CLI_INVALID_ARGUMENT', '--vars must be a mapping of var names to values.', {
      hint: `Example: --vars '{play_page: NextSong}'.`,
    });
  }
  return value as Record<string, unknown>;
}

export function listOf(value: string | string[] | undefined, extra: readonly string[] = []): string[] | undefined {
  const values = [...(value === undefined ? [] : Array.isArray(value) ? value : [value]), ...extra].map(String).filter((v) => v.trim());
  return values.length ? values : undefined;
}

export function parseThreads(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const threads = Number(value);
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) {
    throw new SqlkitError('CLI_INVALID_ARGUMENT', `--threads must be a whole number from 1 to 64, got '${value}'.`, { hint: 'Example: --threads 4' });
  }
  return threads;
}

export function parseLogFormat(value: string | undefined): 'text' | 'json' {
  if (value === undefined || value === 'text') return 'text';
  if (value === 'json') return 'json';
  throw new SqlkitError('CLI_INVALID_ARGUMENT', `--log-format must be text or json, got '${value}'.`, { hint: 'Use --log-format json for one JSON event per line.' });
}

export function parseLimit(value: string | number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 0) {
    throw new SqlkitError('CLI_INVALID_ARGUMENT', `--limit must be a whole number, got '${value}'.`, { hint: 'Example: --limit 20' });
  }
  return limit;
}
