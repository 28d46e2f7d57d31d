import nunjucks from 'nunjucks';
import { SqlkitError } from '../errors/index.js';
import type { ProjectFile } from '../project/index.js';
import { didYouMean } from '../util/suggest.js';
import { compileFast } from './fast-template.js';
import { globalsOf, keywordArgs } from './nunjucks-internals.js';
import { loadMacros, publicMacroNames, resolveMacro, type MacroDefinition } from './macro-registry.js';
import type { RenderHooks, TargetInfo } from './render-hooks.js';
import { toTemplateError } from './template-errors.js';

export interface CompiledTemplate {
  readonly file: string;
  readonly text: string;
  render(): string;
}

export interface TemplateEngine {
  readonly engineName: string;
  /** Parses a template once; throws TEMPLATE_SYNTAX with file:line:col. */
  compile(file: ProjectFile): CompiledTemplate;
  /** Renders with `hooks` answering ref/source/config/...; errors carry the template's file:line. */
  render(template: CompiledTemplate, hooks: RenderHooks): string;
  /** Renders a single expression such as "ref('users')" found in YAML. */
  renderExpression(expression: string, hooks: RenderHooks, file: string): string;
  hasMacro(name: string): boolean;
  /** The file defining a macro (not its dispatched variants), or undefined. */
  macroFile(name: string): string | undefined;
  callMacro(name: string, args: unknown[], kwargs: Record<string, unknown>, hooks: RenderHooks, file: string): string;
  macroNames(): string[];
}

export interface TemplateEngineOptions {
  engineName: string;
  target: TargetInfo;
  projectName: string;
  macros: readonly ProjectFile[];
  /** Always use nunjucks, never the fast interpreter (differential tests compare the two). */
  nunjucksOnly?: boolean;
  /** sqlkit's own macros (the built-in generic tests); a project macro of the same name replaces one. */
  builtinMacros?: readonly ProjectFile[];
}

const KEYWORDS = '__keywords';

/** One nunjucks environment per run; macro files are compiled once and shared by every model. */
export function createTemplateEngine(options: TemplateEngineOptions): { engine: TemplateEngine; errors: SqlkitError[] } {
  const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true, dev: true });
  let current: RenderHooks | undefined;
  const hooks = (): RenderHooks => {
    if (!current) throw new Error('template rendered outside a render scope');
    return current;
  };

  let macros = new Map<string, MacroDefinition>();
  const dispatch = (name: string) => {
    const fn = resolveMacro(macros, name, options.engineName);
    if (!fn) {
      const variants = [...macros.keys()].filter((macro) => macro.endsWith(`__${name}`));
      const others = [...publicMacroNames(macros)].filter((macro) => macro !== name);
      const found = variants.length ? `Found only ${variants.join(', ')}.` : (didYouMean(name, others) ?? '');
      throw new SqlkitError('TEMPLATE_UNKNOWN_MACRO', `No macro '${name}' for engine ${options.engineName}.`, {
        hint: `Define ${options.engineName}__${name} or default__${name} in macros/. ${found}`.trim(),
      });
    }
    return fn;
  };

  const globals: Record<string, unknown> = {
    ref: (...args: unknown[]) => {
      const [first, second] = positional(args);
      return hooks().ref(String(second ?? first));
    },
    source: (...args: unknown[]) => {
      const [sourceName, tableName] = positional(args);
      if (tableName === undefined) {
        throw new SqlkitError('REF_UNKNOWN_SOURCE', `source() needs two arguments: source('source_name', 'table_name').`, {
          hint: 'Sources are declared in sources/*.yml.',
        });
      }
      return hooks().source(String(sourceName), String(tableName));
    },
    config: (...args: unknown[]) => {
      hooks().config(collectKwargs(args));
      return '';
    },
    var: (...args: unknown[]) => {
      const values = positional(args);
      return hooks().variable(String(values[0]), values[1], values.length > 1);
    },
    env_var: (...args: unknown[]) => {
      const values = positional(args);
      return hooks().envVar(String(values[0]), values[1] === undefined ? undefined : String(values[1]));
    },
    is_incremental: () => hooks().isIncremental(),
    run_query: (sql: unknown) => hooks().runQuery(String(sql)),
    target: options.target,
    project_name: options.projectName,
    adapter: { dispatch: (name: string) => dispatch(name), type: () => options.engineName },
    exceptions: {
      raise_compiler_error: (message: unknown) => {
        throw new SqlkitError('TEMPLATE_RENDER', String(message), { hint: 'Raised by the template itself.' });
      },
    },
    log: () => '',
  };
  for (const [name, value] of Object.entries(globals)) env.addGlobal(name, value);
  // Read as variables, not called: answered by the hooks of the render in progress at each read.
  const getters: Record<string, () => unknown> = { this: () => hooks().self(), execute: () => hooks().executing() };
  for (const [name, get] of Object.entries(getters)) Object.defineProperty(globalsOf(env), name, { get, enumerable: true });

  const errors: SqlkitError[] = [];
  macros = loadMacros(env, options.builtinMacros ?? [], errors, options);
  for (const [name, macro] of loadMacros(env, options.macros, errors, options)) macros.set(name, macro);
  for (const name of publicMacroNames(macros)) {
    if (name in globals || name in getters) {
      errors.push(
        new SqlkitError('PROJECT_DUPLICATE_NODE', `Macro '${name}' would hide the built-in of the same name.`, {
          location: { file: [...macros.values()].find((m) => m.name.endsWith(name))?.file ?? 'macros' },
          hint: 'Rename the macro.',
        }),
      );
      continue;
    }
    const fn = (...args: unknown[]) => dispatch(name)(...args);
    env.addGlobal(name, fn);
  }

  const withHooks = <T>(next: RenderHooks, fn: () => T): T => {
    const previous = current;
    current = next;
    try {
      return fn();
    } finally {
      current = previous;
    }
  };

  const callableNames = (): string[] => [...publicMacroNames(macros), ...Object.keys(globals)];
  const expressionCache = new Map<string, nunjucks.Template>();
  const engine: TemplateEngine = {
    engineName: options.engineName,
    compile(file) {
      const fast = options.nunjucksOnly ? undefined : compileFast(file.text);
      if (fast) return { file: file.path, text: file.text, render: () => fast.render(globalsOf(env)) };
      let template: nunjucks.Template;
      try {
        template = new nunjucks.Template(file.text, env, file.path, true);
      } catch (error) {
        throw toTemplateError(error, file.path, file.text, 'parse');
      }
      return { file: file.path, text: file.text, render: () => template.render({}) };
    },
    render(template, renderHooks) {
      return withHooks(renderHooks, () => {
        try {
          return template.render();
        } catch (error) {
          throw toTemplateError(error, template.file, template.text, 'render', callableNames());
        }
      });
    },
    renderExpression(expression, renderHooks, file) {
      const source = `{{ ${expression} }}`;
      let template = expressionCache.get(source);
      try {
        if (!template) {
          template = new nunjucks.Template(source, env, file, true);
          expressionCache.set(source, template);
        }
      } catch (error) {
        throw toTemplateError(error, file, source, 'parse');
      }
      const compiled = template;
      return withHooks(renderHooks, () => {
        try {
          return compiled.render({});
        } catch (error) {
          throw toTemplateError(error, file, source, 'render');
        }
      });
    },
    hasMacro: (name) => resolveMacro(macros, name, options.engineName) !== undefined,
    macroFile: (name) => macros.get(name)?.file,
    callMacro(name, args, kwargs, renderHooks, file) {
      const fn = dispatch(name);
      return withHooks(renderHooks, () => {
        try {
          return String(fn(...args, keywordArgs(kwargs)));
        } catch (error) {
          throw toTemplateError(error, file, '', 'render');
        }
      });
    },
    macroNames: () => [...publicMacroNames(macros)],
  };
  return { engine, errors };
}

function positional(args: unknown[]): unknown[] {
  const last = args[args.length - 1];
  if (last && typeof last === 'object' && KEYWORDS in last) {
    const { [KEYWORDS]: _, ...rest } = last as Record<string, unknown>;
    return [...args.slice(0, -1), ...Object.values(rest)];
  }
  return args;
}

function collectKwargs(args: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const arg of args) {
    if (arg && typeof arg === 'object' && !Array.isArray(arg)) {
      for (const [key, value] of Object.entries(arg)) if (key !== KEYWORDS) out[key] = value;
    }
  }
  return out;
}
