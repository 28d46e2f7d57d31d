import nunjucks from 'nunjucks';

/** The few nunjucks 3.2 members sqlkit uses that @types/nunjucks does not declare. */
interface TemplateInternals {
  getExported(ctx: object, frame: null, cb: (error: Error | null, exported: Record<string, unknown>) => void): void;
}

export function exportedMacros(template: nunjucks.Template): Record<string, unknown> {
  let exported: Record<string, unknown> = {};
  (template as unknown as TemplateInternals).getExported({}, null, (error, result) => {
    if (error) throw error;
    exported = result;
  });
  return exported;
}

export function globalsOf(env: nunjucks.Environment): Record<string, unknown> {
  return (env as unknown as { globals: Record<string, unknown> }).globals;
}

export function keywordArgs(values: Record<string, unknown>): unknown {
  return (nunjucks.runtime as unknown as { makeKeywordArgs(v: object): unknown }).makeKeywordArgs(values);
}
