/** Per-statement state shared by the rewriters. */
export interface RewriteContext {
  strict: boolean;
  /** Data API parameters by name. */
  parameters: ReadonlyMap<string, string>;
  /** Parameters in the order they were first used: the first becomes $1. */
  assigned: Map<string, number>;
}

export function createRewriteContext(strict: boolean, parameters: ReadonlyMap<string, string> = new Map()): RewriteContext {
  return { strict, parameters, assigned: new Map() };
}

/** The `$n` for a parameter, numbering them per statement in order of first use. */
export function parameterPosition(ctx: RewriteContext, name: string): number | undefined {
  if (!ctx.parameters.has(name)) return undefined;
  let position = ctx.assigned.get(name);
  if (position === undefined) {
    position = ctx.assigned.size + 1;
    ctx.assigned.set(name, position);
  }
  return position;
}

/** Values for the statement's `$n` placeholders, in order. */
export function parameterValues(ctx: RewriteContext): string[] {
  return [...ctx.assigned.keys()].map((name) => ctx.parameters.get(name)!);
}
