import pc from 'picocolors';

export type Colors = ReturnType<typeof pc.createColors>;

export interface Output {
  colors: Colors;
  json: boolean;
  debug: boolean;
  out(line: string): void;
  err(line: string): void;
}

/** Colour only on a terminal, never with NO_COLOR set (https://no-color.org), always with FORCE_COLOR. */
export function createOutput(options: { json: boolean; debug: boolean; color?: boolean }): Output {
  const env = process.env;
  const enabled = options.color ?? (env.FORCE_COLOR ? env.FORCE_COLOR !== '0' : Boolean(process.stdout.isTTY) && !('NO_COLOR' in env && env.NO_COLOR !== ''));
  return {
    colors: pc.createColors(enabled && !options.json),
    json: options.json,
    debug: options.debug,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  };
}
