import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import nunjucks from 'nunjucks';
import { describe, expect, it } from 'vitest';
import type { SqlkitError } from '../../../src/errors/index.js';
import { columnOf, compileErrors, compileFiles, lineOf } from '../../support/compile-files.js';

/** What nunjucks itself reports, with the environment options sqlkit uses (dev mode keeps lineno/colno). */
function nunjucksError(source: string, globals: Record<string, unknown> = {}): { lineno?: number; colno?: number; message: string } {
  const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true, dev: true });
  for (const [name, value] of Object.entries(globals)) env.addGlobal(name, value);
  try {
    new nunjucks.Template(source, env, 'model.sql', true).render({});
  } catch (error) {
    const { lineno, colno, message } = error as { lineno?: number; colno?: number; message: string };
    return { lineno, colno, message };
  }
  throw new Error('expected nunjucks to fail');
}

function onlyError(files: Record<string, string>, options: Parameters<typeof compileErrors>[1] = {}): SqlkitError {
  const errors = compileErrors(files, options);
  expect(errors.map((e) => `${e.code} ${e.message}`)).toHaveLength(1);
  return errors[0]!;
}

const compiledSql = (files: Record<string, string>, name: string, options: Parameters<typeof compileFiles>[1] = {}) => {
  const node = Object.values(compileFiles(files, options).manifest.nodes).find((n) => n.name === name);
  return node && 'compiledSql' in node ? node.compiledSql : undefined;
};

describe('nunjucks line numbering (pinned: sqlkit maps these numbers to file lines)', () => {
  it('is nunjucks 3.2.4', () => {
    const require = createRequire(import.meta.url);
    const pkg = JSON.parse(readFileSync(require.resolve('nunjucks/package.json'), 'utf8')) as { version: string };
    expect(pkg.version).toBe('3.2.4');
  });

  it('parse errors carry 1-based lines and columns', () => {
    expect(nunjucksError('select 1\n\n{% iff x %}{% endiff %}')).toMatchObject({ lineno: 3, colno: 4 });
    expect(nunjucksError('{% endif %}')).toMatchObject({ lineno: 1, colno: 4 });
  });

  it('parse errors at the end of the file carry no line at all', () => {
    expect(nunjucksError('select 1\nfrom {{ x').lineno).toBeUndefined();
    expect(nunjucksError('select 1\n{% if x %}\nselect 2\n').lineno).toBeUndefined();
  });

  it('render errors carry 0-based lines and columns', () => {
    const fail = () => {
      throw new Error('boom');
    };
    expect(nunjucksError('select {{ fail() }}', { fail })).toMatchObject({ lineno: 0, colno: 14 });
    expect(nunjucksError('select 1\nfrom a\nwhere {{ fail() }}', { fail })).toMatchObject({ lineno: 2, colno: 13 });
    expect(nunjucksError('select 1\nfrom a\nwhere {{ nope() }}')).toMatchObject({ lineno: 2 });
  });

  it('except an undefined value in {{ }}, which nunjucks reports 1-based already', () => {
    const error = nunjucksError('select 1\nfrom a\nwhere   {{ undefined_thing }}');
    expect(error.message).toContain('attempted to output null or undefined value');
    expect(error).toMatchObject({ lineno: 3, colno: 9 });
  });
});

describe('template errors mapped to file:line', () => {
  it('a syntax error: TEMPLATE_SYNTAX at the exact line and column, with a hint', () => {
    const text = 'select 1\n\n{% iff x %}{% endiff %}\n';
    const error = onlyError({ 'models/a.sql': text });
    expect(error.code).toBe('TEMPLATE_SYNTAX');
    expect(error.location).toMatchObject({ file: 'models/a.sql', line: 3, column: 4, snippet: '{% iff x %}{% endiff %}' });
    expect(error.hint).toContain('Known tags');
  });

  it('a syntax error on the first line', () => {
    const error = onlyError({ 'models/a.sql': 'select {{ 1 +  }}\nfrom b\n' });
    expect(error.code).toBe('TEMPLATE_SYNTAX');
    expect(error.location).toMatchObject({ line: 1, column: 16 });
  });

  it('an unclosed {{ at the end of the file points at the {{', () => {
    const text = 'select id\nfrom {{ ref("b")\n';
    const error = onlyError({ 'models/a.sql': text, 'models/b.sql': 'select 1 as id\n' });
    expect(error.code).toBe('TEMPLATE_SYNTAX');
    expect(error.location).toMatchObject({ file: 'models/a.sql', line: 2, column: 6 });
    expect(error.hint).toContain('Close the tag');
  });

  it('an unclosed {% if %} points at the if, even after closed blocks', () => {
    const text = 'select id\n{% for c in [1] %}{{ c }}{% endfor %}\nfrom t\n{% if var("x", false) %}\nwhere id > 0\n';
    const error = onlyError({ 'models/a.sql': text });
    expect(error.code).toBe('TEMPLATE_SYNTAX');
    expect(error.location?.line).toBe(lineOf(text, '{% if'));
    expect(error.hint).toBeTruthy();
  });

  it('a render error on the first line is line 1', () => {
    const error = onlyError({ 'models/a.sql': 'select {{ nope() }}\n' });
    expect(error.code).toBe('TEMPLATE_UNKNOWN_MACRO');
    expect(error.location).toMatchObject({ file: 'models/a.sql', line: 1, snippet: 'select {{ nope() }}' });
  });

  it('a render error on line N is line N', () => {
    const text = 'select 1\nfrom a\nwhere {{ nope() }}\n';
    const error = onlyError({ 'models/a.sql': text });
    expect(error.location).toMatchObject({ line: 3, column: columnOf(text, '(') });
    expect(error.hint).toContain("'nope' is not a macro or function");
  });

  it('an undefined variable is reported on its own line (not the next) and named in the hint', () => {
    const text = 'select 1\nfrom a\nwhere   {{ undefined_thing }}\n';
    const error = onlyError({ 'models/a.sql': text });
    expect(error.code).toBe('TEMPLATE_RENDER');
    expect(error.location).toMatchObject({ line: 3, column: columnOf(text, '{{'), snippet: 'where   {{ undefined_thing }}' });
    expect(error.hint).toContain("'undefined_thing' is not defined");
  });

  it('an error inside a macro points at the macro file and line, and names the calling model', () => {
    const macro = '{% macro cents(column) %}\n  {{ column }} *\n  {{ multiplier_of(column) }}\n{% endmacro %}\n';
    const model = 'select\n  id,\n  {{ cents("amount") }} as amount_cents\nfrom t\n';
    const error = onlyError({ 'macros/cents.sql': macro, 'models/orders.sql': model });
    expect(error.code).toBe('TEMPLATE_UNKNOWN_MACRO');
    expect(error.location).toMatchObject({ file: 'macros/cents.sql', line: 3 });
    expect(error.message).toContain("macro 'cents'");
    expect(error.message).toContain('models/orders.sql');
    expect(error.related).toEqual([expect.objectContaining({ file: 'models/orders.sql', line: 3 })]);
  });

  it('an undefined variable inside a macro points at the macro line, not a line of the model', () => {
    const macro = '{% macro cents(column) %}\n  {{ column }} *\n  {{ multiplier }}\n{% endmacro %}\n';
    const model = 'select\n  {{ cents("amount") }} as amount_cents\nfrom t\n';
    const error = onlyError({ 'macros/cents.sql': macro, 'models/orders.sql': model });
    expect(error.code).toBe('TEMPLATE_RENDER');
    expect(error.location).toMatchObject({ file: 'macros/cents.sql', line: 3, snippet: '  {{ multiplier }}' });
    expect(error.related?.map((r) => r.file)).toEqual(['models/orders.sql']);
    expect(error.hint).toContain("'multiplier' is not defined");
  });

  it('a syntax error in a macro file is reported in the macro file', () => {
    const error = onlyError({ 'macros/m.sql': '{% macro m() %}\n  {{ x }\n{% endmacro %}\n', 'models/a.sql': 'select 1\n' });
    expect(error.code).toBe('TEMPLATE_SYNTAX');
    expect(error.location).toMatchObject({ file: 'macros/m.sql', line: 2 });
  });
});

describe('unknown macros, vars and config', () => {
  const macros = { 'macros/cents.sql': '{% macro cents(column) %}({{ column }} * 100){% endmacro %}\n' };

  it('an unknown macro: TEMPLATE_UNKNOWN_MACRO with the closest macro', () => {
    const text = 'select\n  {{ cent("amount") }}\nfrom t\n';
    const error = onlyError({ ...macros, 'models/a.sql': text });
    expect(error.code).toBe('TEMPLATE_UNKNOWN_MACRO');
    expect(error.location).toMatchObject({ file: 'models/a.sql', line: 2 });
    expect(error.hint).toMatch(/^did you mean 'cents'\?/);
  });

  it('a dispatched macro without a variant for this engine names the variants to define and the ones found', () => {
    const error = onlyError({ 'macros/g.sql': '{% macro redshift__greet() %}1{% endmacro %}\n', 'models/a.sql': 'select\n{{ greet() }}\n' });
    expect(error.code).toBe('TEMPLATE_UNKNOWN_MACRO');
    expect(error.message).toBe("No macro 'greet' for engine duckdb.");
    expect(error.location).toMatchObject({ file: 'models/a.sql', line: 2 });
    expect(error.hint).toBe('Define duckdb__greet or default__greet in macros/. Found only redshift__greet.');
  });

  it('an unknown var() without default: TEMPLATE_UNKNOWN_VAR with the line and how to define it', () => {
    const text = "select 1\nwhere page = '{{ var(\"play_page\") }}'\n";
    const error = onlyError({ 'models/a.sql': text });
    expect(error.code).toBe('TEMPLATE_UNKNOWN_VAR');
    expect(error.message).toBe("var('play_page') is not defined.");
    expect(error.location).toMatchObject({ file: 'models/a.sql', line: 2 });
    expect(error.hint).toContain('vars:');
    expect(error.hint).toContain('--vars');
    expect(error.hint).toContain("var('play_page', default)");
  });

  it('an unknown var() close to a defined one suggests it', () => {
    const projectYml = 'name: demo\nvars:\n  play_page: NextSong\ntargets:\n  dev:\n    type: duckdb\n';
    const error = onlyError({ 'project.yml': projectYml, 'models/a.sql': "select '{{ var(\"play_pgae\") }}' as p\n" });
    expect(error.hint).toMatch(/^did you mean 'play_page'\?/);
  });

  it('var() takes its default, the project value, or --vars over both', () => {
    const projectYml = 'name: demo\nvars:\n  page: Home\ntargets:\n  dev:\n    type: duckdb\n';
    const files = { 'project.yml': projectYml, 'models/a.sql': "select '{{ var(\"page\") }}' as p, {{ var(\"limit\", 10) }} as l\n" };
    expect(compiledSql(files, 'a')).toBe("select 'Home' as p, 10 as l");
    expect(compiledSql(files, 'a', { cliVars: { page: 'NextSong', limit: 5 } })).toBe("select 'NextSong' as p, 5 as l");
  });

  it('config() with an unknown key: TEMPLATE_INVALID_CONFIG with the closest key', () => {
    const error = onlyError({ 'models/a.sql': "{{ config(materialzed='table') }}\nselect 1\n" });
    expect(error.code).toBe('TEMPLATE_INVALID_CONFIG');
    expect(error.message).toContain("unknown key 'materialzed'");
    expect(error.location).toMatchObject({ file: 'models/a.sql', line: 1 });
    expect(error.hint).toBe("did you mean 'materialized'?");
  });

  it('config() with a post_hook fails, rather than the hook being silently skipped', () => {
    const error = onlyError({ 'models/a.sql': "{{ config(materialized='table', post_hook='grant select on {{ this }} to reader') }}\nselect 1\n" });
    expect(error.code).toBe('TEMPLATE_INVALID_CONFIG');
    expect(error.message).toContain('post_hook: sqlkit does not run pre_hook or post_hook statements');
    expect(error.location).toMatchObject({ file: 'models/a.sql', line: 1 });
  });

  it('config() with an unknown materialization lists the materializations', () => {
    const error = onlyError({ 'models/a.sql': "select 1\n{{ config(materialized='tabel') }}\n" });
    expect(error.code).toBe('TEMPLATE_INVALID_CONFIG');
    expect(error.location?.line).toBe(2);
    expect(error.hint).toBe('Use one of: view, table, incremental, ephemeral.');
  });
});

describe('engine dispatch', () => {
  const greet = '{% macro default__greet() %}default{% endmacro %}\n{% macro duckdb__greet() %}duck{% endmacro %}\n{% macro postgres__greet() %}pg{% endmacro %}\n';
  const model = { 'models/a.sql': "select '{{ greet() }}' as a, '{{ adapter.dispatch(\"greet\")() }}' as b\n" };
  const postgresYml = 'name: demo\ntargets:\n  dev:\n    type: postgres\n    user: u\n    database: d\n';
  const redshiftYml = 'name: demo\ntargets:\n  dev:\n    type: redshift\n    cluster_identifier: c\n    database: d\n    region: us-east-1\n';

  it('picks duckdb__x over default__x on DuckDB, called directly or through adapter.dispatch', () => {
    expect(compiledSql({ 'macros/greet.sql': greet, ...model }, 'a')).toBe("select 'duck' as a, 'duck' as b");
  });

  it('falls back to default__x when the engine has no variant', () => {
    const onlyDefault = '{% macro default__greet() %}default{% endmacro %}\n{% macro postgres__greet() %}pg{% endmacro %}\n';
    expect(compiledSql({ 'macros/greet.sql': onlyDefault, ...model }, 'a')).toBe("select 'default' as a, 'default' as b");
  });

  it("uses PostgreSQL's variant on PostgreSQL, and on Redshift when it has none of its own", () => {
    expect(compiledSql({ 'project.yml': postgresYml, 'macros/greet.sql': greet, ...model }, 'a')).toBe("select 'pg' as a, 'pg' as b");
    expect(compiledSql({ 'project.yml': redshiftYml, 'macros/greet.sql': greet, ...model }, 'a')).toBe("select 'pg' as a, 'pg' as b");
  });
});
