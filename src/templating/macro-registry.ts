import nunjucks from 'nunjucks';
import { SqlkitError } from '../errors/index.js';
import type { ProjectFile } from '../project/index.js';
import { bindMacroGlobals, compileFastMacros } from './fast-template.js';
import { exportedMacros, globalsOf } from './nunjucks-internals.js';
import { toTemplateError } from './template-errors.js';

type MacroFn = (...args: unknown[]) => unknown;

export interface MacroDefinition {
  name: string;
  file: string;
  fn: MacroFn;
}

const DISPATCH_PREFIX = /^(duckdb|postgres|redshift|default)__(.+)$/;

/** Which engine-specific macro variants an engine may use, most specific first (Redshift inherits PostgreSQL's). */
export const DISPATCH_ORDER: Record<string, readonly string[]> = {
  duckdb: ['duckdb', 'default'],
  postgres: ['postgres', 'default'],
  redshift: ['redshift', 'postgres', 'default'],
};

/**
 * Compiles every macro file once and exposes its macros by name. A macro `duckdb__x` / `redshift__x` /
 * `default__x` also makes `x` callable: it runs the variant for the active engine, like dbt's adapter.dispatch.
 */
export function loadMacros(
  env: nunjucks.Environment,
  files: readonly ProjectFile[],
  errors: SqlkitError[],
  options: { nunjucksOnly?: boolean } = {},
): Map<string, MacroDefinition> {
  const macros = new Map<string, MacroDefinition>();
  for (const file of files) {
    let exported: Record<string, unknown> | undefined = options.nunjucksOnly ? undefined : compileFastMacros(file.text);
    if (exported) bindMacroGlobals(exported, globalsOf(env));
    else {
      let template: nunjucks.Template;
      try {
        template = new nunjucks.Template(file.text, env, file.path, true);
      } catch (error) {
        errors.push(toTemplateError(error, file.path, file.text, 'parse'));
        continue;
      }
      try {
        exported = exportedMacros(template);
      } catch (error) {
        errors.push(toTemplateError(error, file.path, file.text, 'render'));
        continue;
      }
    }
    for (const [name, fn] of Object.entries(exported)) {
      if (typeof fn !== 'function') continue;
      const existing = macros.get(name);
      if (existing) {
        errors.push(
          new SqlkitError('PROJECT_DUPLICATE_NODE', `Macro '${name}' is defined twice: ${existing.file} and ${file.path}.`, {
            location: { file: file.path, line: lineOfMacro(file.text, name) },
            related: [{ file: existing.file, line: lineOfMacro(files.find((f) => f.path === existing.file)?.text ?? '', name) }],
            hint: 'Rename or delete one of them.',
          }),
        );
        continue;
      }
      macros.set(name, { name, file: file.path, fn: annotateErrors(fn as MacroFn, name, file) });
    }
  }
  return macros;
}

/** The callable for `name` on `engine`: the macro itself, or its engine-specific variant. */
export function resolveMacro(macros: Map<string, MacroDefinition>, name: string, engine: string): MacroFn | undefined {
  const direct = macros.get(name);
  if (direct) return direct.fn;
  for (const prefix of DISPATCH_ORDER[engine] ?? ['default']) {
    const variant = macros.get(`${prefix}__${name}`);
    if (variant) return variant.fn;
  }
  return undefined;
}

/** Names callable without a prefix: plain macros plus dispatched families. */
export function publicMacroNames(macros: Map<string, MacroDefinition>): Set<string> {
  const names = new Set<string>();
  for (const name of macros.keys()) {
    const match = DISPATCH_PREFIX.exec(name);
    names.add(match ? match[2]! : name);
  }
  return names;
}

function annotateErrors(fn: MacroFn, name: string, file: ProjectFile): MacroFn {
  return (...args: unknown[]) => {
    try {
      return fn(...args);
    } catch (error) {
      if (error && typeof error === 'object' && !('sqlkitMacro' in error)) {
        Object.defineProperty(error, 'sqlkitMacro', { value: { name, file: file.path, text: file.text } });
      }
      throw error;
    }
  };
}

function lineOfMacro(text: string, name: string): number | undefined {
  const index = text.search(new RegExp(`{%-?\\s*macro\\s+${name}\\s*\\(`));
  return index === -1 ? undefined : text.slice(0, index).split('\n').length;
}
