import { modelConfigSchema, testConfigSchema, type ProjectConfig } from '../config/index.js';
import { SqlkitError } from '../errors/index.js';
import { EMPTY_QUERY_TABLE, type QueryTable, type RenderHooks } from '../templating/index.js';
import { didYouMean } from '../util/suggest.js';
import { PlaceholderTable } from './placeholders.js';

/** What every render in one compile shares: the names refs and sources may point at. */
export interface CompileScope {
  config: ProjectConfig;
  env: Record<string, string | undefined>;
  placeholders: PlaceholderTable;
  /** Model name -> unique id, for enabled models. */
  models: Map<string, string>;
  disabledModels: Set<string>;
  /** 'source.table' -> unique id. */
  sources: Map<string, string>;
  /** Source YAML files that had errors, so a source() they declare is not reported as a plain typo. */
  unreadableSourceFiles?: readonly string[];
  /** Validated config() arguments by their JSON: most models repeat a handful of configs. */
  configCache?: Map<string, Record<string, unknown>>;
}

export interface RenderCapture {
  refs: Set<string>;
  config: Record<string, unknown>;
  /** Environment variables the render read, with the value seen (undefined: unset), when asked for. */
  envReads?: Map<string, string | undefined>;
  /** Set when the template called run_query() or read `execute`: the model must render again when it runs. */
  runsQueries?: boolean;
}

export interface HookOptions {
  /** Unique id of the node rendering, for `this`. */
  self?: string;
  selfName?: string;
  configKind: 'model' | 'test' | 'none';
  isIncremental: boolean;
  file: string;
  /** At run time, what run_query() answers with; absent while the project compiles (`execute` is false). */
  runQuery?: (sql: string) => QueryTable;
}

export function createCompileHooks(scope: CompileScope, options: HookOptions, capture: RenderCapture): RenderHooks {
  const { placeholders } = scope;
  return {
    ref(name) {
      const id = scope.models.get(name);
      if (!id) {
        if (scope.disabledModels.has(name)) {
          throw new SqlkitError('REF_DISABLED_MODEL', `ref('${name}') points at a disabled model.`, {
            hint: `Enable '${name}' (config enabled: true) or remove the ref.`,
          });
        }
        const suggestion = didYouMean(name, scope.models.keys());
        throw new SqlkitError('REF_UNKNOWN_MODEL', `ref('${name}') does not match any model.`, {
          hint: `${suggestion ? `${suggestion} ` : ''}A model's name is its file name under ${scope.config.paths.models}/, without .sql.`,
        });
      }
      capture.refs.add(id);
      return placeholders.placeholder(id, name);
    },
    source(sourceName, tableName) {
      const key = `${sourceName}.${tableName}`;
      const id = scope.sources.get(key);
      if (!id) {
        const suggestion = didYouMean(key, scope.sources.keys());
        const unreadable = scope.unreadableSourceFiles ?? [];
        throw new SqlkitError('REF_UNKNOWN_SOURCE', `source('${sourceName}', '${tableName}') is not declared.`, {
          hint: unreadable.length
            ? `${unreadable.join(', ')} could not be read (see the error there); it may declare this source: fix it first.`
            : `${suggestion ? `${suggestion} ` : ''}Declare sources in ${scope.config.paths.sources}/*.yml.`,
        });
      }
      capture.refs.add(id);
      return placeholders.placeholder(id, tableName);
    },
    config(values) {
      if (options.configKind === 'none') return;
      const key = `${options.configKind}:${JSON.stringify(values)}`;
      const cached = scope.configCache?.get(key);
      if (cached) {
        Object.assign(capture.config, cached);
        return;
      }
      const schema = options.configKind === 'model' ? modelConfigSchema : testConfigSchema;
      const parsed = schema.safeParse(values, { reportInput: true });
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const detail = issue.code === 'unrecognized_keys' ? `unknown key '${issue.keys[0]}'` : `${issue.path.join('.')}: ${issue.message}`;
        const keys = Object.keys(schema.shape);
        const suggestion = issue.code === 'unrecognized_keys' ? didYouMean(issue.keys[0]!, keys) : undefined;
        const allowed = issue.code === 'invalid_value' ? `Use one of: ${issue.values.map(String).join(', ')}.` : `Allowed keys: ${keys.join(', ')}.`;
        throw new SqlkitError('TEMPLATE_INVALID_CONFIG', `Invalid config() in ${options.file}: ${detail}.`, {
          hint: suggestion ?? allowed,
        });
      }
      scope.configCache?.set(key, parsed.data);
      Object.assign(capture.config, parsed.data);
    },
    variable(name, fallback, hasFallback) {
      const vars = scope.config.vars;
      if (Object.prototype.hasOwnProperty.call(vars, name)) return vars[name];
      if (hasFallback) return fallback;
      throw new SqlkitError('TEMPLATE_UNKNOWN_VAR', `var('${name}') is not defined.`, {
        hint: `${didYouMean(name, Object.keys(vars)) ?? ''} Define it under vars: in project.yml, pass --vars '{"${name}": ...}', or give a default: var('${name}', default).`.trim(),
      });
    },
    envVar(name, fallback) {
      const value = scope.env[name];
      capture.envReads?.set(name, value);
      if (value !== undefined) return value;
      if (fallback !== undefined) return fallback;
      throw new SqlkitError('CONFIG_ENV_VAR_MISSING', `env_var('${name}') is not set.`, {
        hint: `Set ${name} in the environment, or give a default: env_var('${name}', 'default').`,
      });
    },
    isIncremental: () => options.isIncremental,
    self() {
      if (!options.self) {
        throw new SqlkitError('TEMPLATE_RENDER', `'this' is only defined inside a model.`, { hint: 'Use ref() to name a model.' });
      }
      return placeholders.placeholder(options.self, options.selfName ?? options.self);
    },
    runQuery(sql) {
      if (options.runQuery) return options.runQuery(sql);
      if (options.configKind !== 'model') {
        throw new SqlkitError('TEMPLATE_RENDER', `run_query() is only available in models.`, {
          hint: 'Tests, analyses and YAML render once, when the project compiles, without the warehouse. Move the query into a model.',
        });
      }
      capture.runsQueries = true;
      return EMPTY_QUERY_TABLE;
    },
    executing() {
      if (options.runQuery) return true;
      // A model that asks (`{% if execute %}`, often around run_query()) renders again when it runs.
      if (options.configKind === 'model') capture.runsQueries = true;
      return false;
    },
  };
}

