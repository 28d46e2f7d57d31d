import pc from 'picocolors';
import type { Redactor } from '../errors/index.js';

export type Colors = ReturnType<typeof pc.createColors>;

export interface Output {
  colors: Colors;
  json: boolean;
  debug: boolean;
  /** Shared by everything the command prints and writes; the project's config secrets are added once it is read. */
  redactor: Redactor;
  out(line: string): void;
  err(line: string): void;
  /** One JSON event line on stdout: `{ts, event, ...fields}`. */
  event(name: string, fields?: Record<string, unknown>): void;
}

/**
 * Colour only on a terminal, never with NO_COLOR set (https://no-color.org), always with FORCE_COLOR.
 * Every line goes through the redactor here, the one place output leaves the process, so no command has to
 * remember to scrub secrets from what it prints.
 */
export function createOutput(options: { json: boolean; debug: boolean; color?: boolean; redactor: Redactor }): Output {
  const env = process.env;
  const enabled = options.color ?? (env.FORCE_COLOR ? env.FORCE_COLOR !== '0' : Boolean(process.stdout.isTTY) && !('NO_COLOR' in env && env.NO_COLOR !== ''));
  const { redactor } = options;
  const out = (line: string) => process.stdout.write(`${redactor.redact(line)}\n`);
  return {
    colors: pc.createColors(enabled && !options.json),
    json: options.json,
    debug: options.debug,
    redactor,
    out,
    err: (line) => process.stderr.write(`${redactor.redact(line)}\n`),
    event: (name, fields = {}) => out(JSON.stringify({ ts: new Date().toISOString(), event: name, ...fields })),
  };
}
