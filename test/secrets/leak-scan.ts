import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { CliResult } from '../support/sqlkit-cli.js';

/** One thing sqlkit produced that a secret must never be in: a stream of one command, or a file under target/. */
export interface Place {
  name: string;
  bytes: Buffer;
  /** JSON lines or a JSON file: scanned also as decoded strings, where escapes no longer hide a secret. */
  json: boolean;
}

export interface Leak {
  secret: string;
  place: string;
  form: string;
}

/**
 * Collects everything sqlkit printed and wrote, then looks for each planted secret in it: as written, as JSON
 * escapes it, as SQL quoting doubles it, and inside every decoded JSON string.
 */
export class LeakScan {
  readonly places: Place[] = [];

  addRun(label: string, result: CliResult, json: boolean): CliResult {
    this.places.push({ name: `${label} (stdout)`, bytes: Buffer.from(result.stdout), json });
    this.places.push({ name: `${label} (stderr)`, bytes: Buffer.from(result.stderr), json: false });
    return result;
  }

  /** Every file under `<dir>/target`, binary ones (the DuckDB database, its WAL) included. */
  addTarget(label: string, dir: string): void {
    const root = join(dir, 'target');
    const walk = (folder: string): void => {
      for (const entry of readdirSync(folder)) {
        const path = join(folder, entry);
        if (statSync(path).isDirectory()) walk(path);
        else this.places.push({ name: `${label}: ${relative(dir, path)}`, bytes: readFileSync(path), json: path.endsWith('.json') });
      }
    };
    walk(root);
  }

  leaks(secrets: Record<string, string>): Leak[] {
    const found: Leak[] = [];
    for (const place of this.places) {
      const decoded = place.json ? jsonStrings(place.bytes.toString('utf8')) : [];
      for (const [name, secret] of Object.entries(secrets)) {
        const forms: [string, string][] = [
          ['raw', secret],
          ['json-escaped', JSON.stringify(secret).slice(1, -1)],
          ['sql-quoted', secret.replace(/'/g, "''")],
        ];
        for (const [form, text] of forms) if (place.bytes.includes(Buffer.from(text))) found.push({ secret: name, place: place.name, form });
        if (decoded.some((s) => s.includes(secret))) found.push({ secret: name, place: place.name, form: 'decoded JSON' });
      }
    }
    return found;
  }

  /** JSON places that no longer parse: redaction must replace values inside strings, never break the JSON. */
  unparseable(): string[] {
    return this.places
      .filter((p) => p.json)
      .flatMap((p) => {
        const text = p.bytes.toString('utf8');
        const lines = p.name.includes('target/') ? [text] : text.split('\n').filter((line) => line.trim() !== '');
        return lines.filter((line) => !parses(line)).map((line) => `${p.name}: ${line.slice(0, 200)}`);
      });
  }

  text(nameIncludes: string): string {
    return this.places
      .filter((p) => p.name.includes(nameIncludes))
      .map((p) => p.bytes.toString('utf8'))
      .join('\n');
  }
}

/** Every string value in a JSON document or in JSON lines; lines that are not JSON are skipped. */
function jsonStrings(text: string): string[] {
  const out: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') out.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  for (const chunk of [text, ...text.split('\n')]) {
    try {
      walk(JSON.parse(chunk));
    } catch {
      // not JSON as a whole, or not a JSON line
    }
  }
  return out;
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
