import { testConfigSchema, type TestConfig, type TestConfigInput } from '../config/index.js';
import { SqlkitError } from '../errors/index.js';
import { BUILTIN_TEST_ARGS, BUILTIN_TEST_MACROS, BUILTIN_TEST_SQL } from '../data-tests/builtin-tests.js';
import type { ProjectFile } from '../project/index.js';
import type { TemplateEngine } from '../templating/index.js';
import { fastHash, sha256, shortHash } from '../util/checksum.js';
import { didYouMean } from '../util/suggest.js';
import { createCompileHooks, type CompileScope, type RenderCapture } from './compile-hooks.js';
import type { ManifestNode, TestNode } from './manifest.js';
import { testSpecsOf, type PendingTests, type TestSpec } from './test-specs.js';

const REF_EXPRESSION = /^\s*(ref|source)\s*\(.*\)\s*$/s;
const MAX_NAME = 80;

export interface RenderedTest {
  node: TestNode;
  renderedSql: string;
}

export function testConfigOf(input: TestConfigInput): TestConfig {
  return {
    severity: input.severity ?? 'error',
    ...(input.where ? { where: input.where } : {}),
    storeFailures: input.store_failures ?? false,
    tags: input.tags ?? [],
    enabled: input.enabled ?? true,
    errorIf: input.error_if ?? '!=0',
    warnIf: input.warn_if ?? '!=0',
    ...(input.limit ? { limit: input.limit } : {}),
  };
}

/** Turns the tests declared in YAML into test nodes whose SQL comes from the generic test macros. */
export function buildGenericTests(
  pending: readonly PendingTests[],
  nodes: Map<string, ManifestNode>,
  engine: TemplateEngine,
  scope: CompileScope,
  errors: SqlkitError[],
): RenderedTest[] {
  const out: RenderedTest[] = [];
  const names = new Set<string>();
  const testMacros = engine.macroNames().filter((n) => n.startsWith('test_')).map((n) => n.slice(5));
  const places = new Map<string, YamlPlace>();
  for (const group of pending) {
    const attached = nodes.get(group.attachedTo);
    if (!attached) continue;
    const file = group.yaml.file;
    let place = places.get(file);
    if (!place) places.set(file, (place = yamlPlace(file, scope)));
    for (const spec of testSpecsOf(group, errors)) {
      try {
        const test = buildOne(spec, attached, group, engine, scope, testMacros, names, place);
        if (test) out.push(test);
      } catch (error) {
        if (!(error instanceof SqlkitError)) throw error;
        // Errors from rendering the test (its macro, or a ref() in an argument, which renders as a one-line template)
        // carry lines of that template, not of the YAML: point at the test entry instead.
        errors.push(error.withLocation(spec.locate()));
      }
    }
  }
  return out;
}

/** What every test declared in one YAML file shares: its fqn prefix and the folder of its compiled SQL. */
interface YamlPlace {
  fqn: string[];
  compiledPrefix: string;
}

function yamlPlace(file: string, scope: CompileScope): YamlPlace {
  const { name, paths } = scope.config;
  return { fqn: [name, ...file.split('/').slice(1, -1)], compiledPrefix: `${paths.target}/compiled/${name}/${file.replace(/\.ya?ml$/, '')}/` };
}

function buildOne(
  spec: TestSpec,
  attached: ManifestNode,
  group: PendingTests,
  engine: TemplateEngine,
  scope: CompileScope,
  testMacros: string[],
  names: Set<string>,
  place: YamlPlace,
): RenderedTest | undefined {
  const config = testConfigOf(spec.config);
  if (!config.enabled) return undefined;
  if (!engine.hasMacro(`test_${spec.testName}`)) {
    throw new SqlkitError('REF_UNKNOWN_TEST', `Unknown test '${spec.testName}' in ${group.yaml.file}.`, {
      location: spec.locate(),
      hint: `${didYouMean(spec.testName, testMacros) ?? ''} Built-in tests: not_null, unique, accepted_values, relationships; custom ones are macros named test_<name> in macros/.`.trim(),
    });
  }
  for (const required of BUILTIN_TEST_ARGS[spec.testName] ?? []) {
    if (!(required in spec.args)) {
      throw new SqlkitError('CONFIG_INVALID', `Test '${spec.testName}' needs the argument '${required}'.`, {
        location: spec.locate(),
        hint: spec.testName === 'relationships' ? "Example: relationships: {to: ref('users'), field: user_id}" : "Example: accepted_values: {values: ['free', 'paid']}",
      });
    }
  }
  if (spec.testName === 'accepted_values' && !Array.isArray(spec.args.values)) {
    throw new SqlkitError('CONFIG_INVALID', `accepted_values needs a list of values, got ${JSON.stringify(spec.args.values)}.`, {
      location: spec.locate(),
      hint: 'Example: accepted_values: {values: [free, paid]}',
    });
  }
  // Most tests (not_null, unique on a column) never call a hook: make them only when one is needed.
  let capture: RenderCapture | undefined;
  let hooks: ReturnType<typeof createCompileHooks> | undefined;
  const hooksFor = () => (hooks ??= createCompileHooks(scope, { configKind: 'none', isIncremental: false, file: group.yaml.file }, (capture = { refs: new Set(), config: {} })));
  const self = scope.placeholders.placeholder(attached.uniqueId, attached.name).toString();
  const model = config.where ? `(select * from ${self} where ${config.where}) as sqlkit_where` : self;
  const args: Record<string, unknown> = {};
  for (const key in spec.args) {
    const value = spec.args[key];
    args[key] = typeof value === 'string' && REF_EXPRESSION.test(value) ? engine.renderExpression(value, hooksFor(), group.yaml.file) : value;
  }
  const kwargs = { model, ...(spec.columnName === undefined ? {} : { column_name: spec.columnName }), ...args };
  const builtin = BUILTIN_TEST_SQL[spec.testName];
  const renderedSql =
    builtin && engine.macroFile(`test_${spec.testName}`) === BUILTIN_TEST_MACROS.path
      ? builtin(kwargs)
      : engine.callMacro(`test_${spec.testName}`, [], kwargs, hooksFor(), group.yaml.file);
  const name = uniqueName(spec.customName ?? defaultName(spec, attached), names);
  const node: TestNode = {
    uniqueId: `test.${scope.config.name}.${name}`,
    resourceType: 'test',
    name,
    path: group.yaml.file,
    checksum: fastHash(JSON.stringify([spec.testName, spec.columnName, spec.args, spec.config])),
    fqn: [...place.fqn, name],
    dependsOn: capture ? [attached.uniqueId, ...[...capture.refs].filter((id) => id !== attached.uniqueId)] : [attached.uniqueId],
    tags: config.tags.length ? [...new Set([...config.tags, ...attached.tags])] : [...attached.tags],
    testType: 'generic',
    testName: spec.testName,
    attachedTo: attached.uniqueId,
    ...(spec.columnName ? { columnName: spec.columnName } : {}),
    config,
    compiledSql: '',
    compiledPath: `${place.compiledPrefix}${name}.sql`,
  };
  return { node, renderedSql };
}

function defaultName(spec: TestSpec, attached: ManifestNode): string {
  const owner = attached.resourceType === 'source' ? `source_${spec.testName}_${attached.name.replace('.', '_')}` : `${spec.testName}_${attached.name}`;
  const parts = [owner, ...(spec.columnName ? [spec.columnName] : [])];
  const argText = Object.entries(spec.args)
    .filter(([key]) => key !== 'quote')
    .map(([, value]) => (Array.isArray(value) ? value.join('__') : String(value)))
    .join('__');
  const base = [parts.join('_'), ...(argText ? [argText] : [])].join('__').replace(/[^A-Za-z0-9_]+/g, '_').replace(/_{3,}/g, '__').replace(/_+$/, '');
  return base.length > MAX_NAME ? `${base.slice(0, MAX_NAME - 9)}_${shortHash(base)}` : base;
}

function uniqueName(name: string, names: Set<string>): string {
  let candidate = name;
  for (let i = 2; names.has(candidate); i++) candidate = `${name}_${i}`;
  names.add(candidate);
  return candidate;
}

/** A singular test: a SQL file under data-tests/ returning failing rows. */
export function renderSingularTest(
  file: ProjectFile,
  engine: TemplateEngine,
  scope: CompileScope,
): RenderedTest {
  const template = engine.compile(file);
  const capture: RenderCapture = { refs: new Set(), config: {} };
  const hooks = createCompileHooks(scope, { configKind: 'test', isIncremental: false, file: file.path }, capture);
  const renderedSql = engine.render(template, hooks);
  const name = file.path.split('/').pop()!.replace(/\.sql$/, '');
  // Parsed like YAML test config, so config(severity='ERROR') means 'error' as it does in YAML (the hook only validates).
  const config = testConfigOf(testConfigSchema.parse(capture.config));
  return {
    renderedSql,
    node: {
      uniqueId: `test.${scope.config.name}.${name}`,
      resourceType: 'test',
      name,
      path: file.path,
      checksum: sha256(file.text),
      fqn: [scope.config.name, ...file.path.split('/').slice(1, -1), name],
      dependsOn: [...capture.refs],
      tags: config.tags,
      testType: 'singular',
      testName: name,
      config,
      compiledSql: '',
      compiledPath: `${scope.config.paths.target}/compiled/${scope.config.name}/${file.path}`,
    },
  };
}
