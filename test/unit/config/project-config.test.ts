import { describe, expect, it } from 'vitest';
import { parseProjectConfig, type ProjectConfigOptions } from '../../../src/config/index.js';
import type { SqlkitError } from '../../../src/errors/index.js';
import { columnOf, compileErrors, errorsFrom, lineOf } from '../../support/compile-files.js';

const parse = (text: string, options: Partial<ProjectConfigOptions> = {}) => parseProjectConfig(text, { env: {}, ...options });
const errorsOfConfig = (text: string, options: Partial<ProjectConfigOptions> = {}): SqlkitError[] => errorsFrom(() => parse(text, options));

/** The one error parsing `text` reports (fails when there are several). */
function onlyError(text: string, options: Partial<ProjectConfigOptions> = {}): SqlkitError {
  const errors = errorsOfConfig(text, options);
  expect(errors.map((e) => `${e.code} ${e.message}`)).toHaveLength(1);
  return errors[0]!;
}

const BASE = `name: demo
targets:
  dev:
    type: duckdb
`;

describe('project.yml: a valid file', () => {
  it('parses with defaults for everything left out', () => {
    const config = parse(BASE);
    expect(config.name).toBe('demo');
    expect(config.targetName).toBe('dev');
    expect(config.target).toEqual({ type: 'duckdb', path: ':memory:', schema: 'main', threads: 4, settings: {} });
    expect(config.paths.models).toBe('models');
  });
});

describe('project.yml: unknown keys at any depth', () => {
  it('a typo at the top level names the key, its line and the key it resembles', () => {
    const text = `name: demo
versoin: "1.0"
targets:
  dev:
    type: duckdb
`;
    const error = onlyError(text);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain("'versoin'");
    expect(error.location).toMatchObject({ file: 'project.yml', line: 2, column: 1, snippet: 'versoin: "1.0"' });
    expect(error.hint).toBe("did you mean 'version'?");
  });

  it('a typo inside targets.dev names the full YAML path', () => {
    const text = `name: demo
targets:
  dev:
    type: duckdb
    pth: target/demo.duckdb
`;
    const error = onlyError(text);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain("'targets.dev.pth'");
    expect(error.location).toMatchObject({ file: 'project.yml', line: 5, column: 5 });
    expect(error.hint).toBe("did you mean 'path'?");
  });

  it('a key that belongs to another engine is unknown for this one, with the allowed keys listed', () => {
    const text = `name: demo
targets:
  dev:
    type: duckdb
    cluster_identifier: abc
`;
    const error = onlyError(text);
    expect(error.message).toContain("'targets.dev.cluster_identifier'");
    expect(error.location?.line).toBe(5);
    expect(error.hint).toContain('Allowed keys here: type, path, schema, threads, settings');
  });

  it('a typo under paths:', () => {
    const text = `name: demo
paths:
  modles: transformations
targets:
  dev:
    type: duckdb
`;
    const error = onlyError(text);
    expect(error.message).toContain("'paths.modles'");
    expect(error.location).toMatchObject({ line: 3, column: 3 });
    expect(error.hint).toBe("did you mean 'models'?");
  });

  it('a typo under cluster:', () => {
    const text = `name: demo
targets:
  dev:
    type: duckdb
cluster:
  identifier: sparkify
  region: us-west-2
  node_typ: dc2.large
`;
    const error = onlyError(text);
    expect(error.message).toContain("'cluster.node_typ'");
    expect(error.location).toMatchObject({ line: 8, column: 3 });
    expect(error.hint).toBe("did you mean 'node_type'?");
  });

  it('an unknown +config under models:, at the top and several folders down', () => {
    const text = `name: demo
models:
  +materialised: table
  staging:
    daily:
      +enabld: false
targets:
  dev:
    type: duckdb
`;
    const errors = errorsOfConfig(text);
    expect(errors.map((e) => [e.code, e.location?.line, e.hint])).toEqual([
      ['CONFIG_INVALID', 3, "did you mean '+materialized'?"],
      ['CONFIG_INVALID', 6, "did you mean '+enabled'?"],
    ]);
    expect(errors[0]!.message).toContain("'+materialised'");
    expect(errors[1]!.message).toContain("'models.staging.daily'");
    expect(errors[1]!.location?.column).toBe(7);
  });

  it('+pre_hook fails with what to do instead, rather than the hook being silently skipped', () => {
    const text = `name: demo
models:
  marts:
    +pre_hook: "delete from audit"
targets:
  dev:
    type: duckdb
`;
    const error = onlyError(text);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.location?.line).toBe(4);
    expect(error.message).toContain('sqlkit does not run pre_hook or post_hook statements');
  });

  it('a config key without its + is reported, not taken as a folder', () => {
    const text = `name: demo
models:
  marts:
    materialized: table
targets:
  dev:
    type: duckdb
`;
    const error = onlyError(text);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.location?.line).toBe(4);
    expect(error.hint).toContain("'+materialized'");
  });
});

describe('project.yml: values of the wrong type', () => {
  it('a word where a number belongs shows the value as written', () => {
    const text = `name: demo
targets:
  dev:
    type: duckdb
    threads: two
`;
    const error = onlyError(text);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain("'targets.dev.threads'");
    expect(error.message).toContain('"two"');
    expect(error.message).not.toContain('null');
    expect(error.location).toMatchObject({ line: 5, column: 14 });
  });

  it('a number out of range', () => {
    const text = `name: demo
targets:
  dev:
    type: postgres
    user: me
    database: db
    port: 99999
`;
    const error = onlyError(text);
    expect(error.message).toContain("'targets.dev.port'");
    expect(error.message).toContain('65535');
    expect(error.location?.line).toBe(7);
  });

  it('a value outside an enum lists the choices', () => {
    const text = `name: demo
models:
  +materialized: tabel
targets:
  dev:
    type: duckdb
`;
    const error = onlyError(text);
    expect(error.message).toContain("'models.+materialized'");
    expect(error.location).toMatchObject({ line: 3, column: 18 });
    expect(error.hint).toBe('Use one of: view, table, incremental, ephemeral.');
  });

  it('a list where a mapping belongs, and a mapping where a string belongs', () => {
    const text = `name: demo
vars: [a, b]
paths: models
targets:
  dev:
    type: duckdb
`;
    const errors = errorsOfConfig(text);
    expect(errors.map((e) => [e.location?.line, e.message])).toEqual([
      [2, "Invalid value at 'vars' in project.yml: expected mapping, got a list."],
      [3, `Invalid value at 'paths' in project.yml: expected mapping, got string "models".`],
    ]);
  });

  it('a value that is neither of the accepted shapes names both', () => {
    const text = `name: demo
models:
  +tags: 3
  +enabled: "yes"
targets:
  dev:
    type: duckdb
`;
    const errors = errorsOfConfig(text);
    expect(errors.map((e) => [e.location?.line, e.message])).toEqual([
      [3, "Invalid value at 'models.+tags' in project.yml: expected string or list, got number 3."],
      [4, `Invalid value at 'models.+enabled' in project.yml: expected boolean, got string "yes".`],
    ]);
  });

  it('an unknown engine type suggests the closest engine', () => {
    const text = `name: demo
targets:
  dev:
    type: duckbd
`;
    const error = onlyError(text);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain('duckdb, postgres, redshift');
    expect(error.location).toMatchObject({ line: 4, column: 11 });
    expect(error.hint).toBe("did you mean 'duckdb'?");
  });

  it('a missing required key points at the top of the file', () => {
    const text = `version: "1"
targets:
  dev:
    type: duckdb
`;
    const error = onlyError(text);
    expect(error.message).toBe("Invalid value at 'name' in project.yml: required string is missing.");
    expect(error.location?.line).toBe(1);
    expect(error.hint).toBe('Add the missing key.');
  });

  it('a project name that is not an identifier', () => {
    const error = onlyError(BASE.replace('name: demo', 'name: my-project'));
    expect(error.message).toContain("'name'");
    expect(error.message).toContain('letters, digits and underscores');
    expect(error.location?.line).toBe(1);
  });

  it('a file that is not a mapping', () => {
    const error = onlyError('- name: demo\n');
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.location?.line).toBe(1);
    expect(error.hint).toBeTruthy();
  });
});

describe('project.yml: YAML syntax errors', () => {
  const syntax = (text: string) => {
    const error = onlyError(text);
    expect(error.code).toBe('CONFIG_YAML_SYNTAX');
    expect(error.location?.file).toBe('project.yml');
    expect(error.hint).toContain('indentation');
    return error;
  };

  it('a tab used for indentation: line and column of the tab', () => {
    const error = syntax('name: demo\ntargets:\n\tdev:\n    type: duckdb\n');
    expect(error.message).toContain('Tabs are not allowed');
    expect(error.location).toMatchObject({ line: 3, column: 1, snippet: '\tdev:' });
  });

  it('a key given twice: the second one', () => {
    const error = syntax('name: demo\ntargets:\n  dev:\n    type: duckdb\nname: again\n');
    expect(error.message).toContain('Map keys must be unique');
    expect(error.location).toMatchObject({ line: 5, column: 1 });
  });

  it('items of one mapping indented differently', () => {
    const text = 'name: demo\ntargets:\n  dev:\n    type: duckdb\n   path: x.duckdb\n';
    const error = syntax(text);
    expect(error.location?.line).toBe(5);
  });

  it('an unclosed quote: the line of the opening quote, not the end of the file', () => {
    const text = 'name: demo\ntargets:\n  dev:\n    type: duckdb\n    schema: "analytics\n    threads: 2\n';
    const error = syntax(text);
    expect(error.message).toContain('Missing closing "quote');
    expect(error.location).toMatchObject({ line: 5, column: columnOf(text, '"analytics') });
  });

  it('an unclosed flow list: the line of the opening bracket', () => {
    const text = 'name: demo\nvars:\n  days: [mon, tue\ntargets:\n  dev:\n    type: duckdb\n';
    const error = syntax(text);
    expect(error.location).toMatchObject({ line: 3, column: columnOf(text, '[mon') });
  });
});

describe('project.yml: env_var()', () => {
  const text = `name: demo
target: "{{ env_var('SQLKIT_TARGET', 'dev') }}"
targets:
  dev:
    type: duckdb
    path: "{{ env_var('DB_DIR', 'target') }}/{{ env_var(\\"DB_NAME\\", \\"demo\\") }}.duckdb"
    threads: "{{ env_var('THREADS', '2') }}"
  ci:
    type: duckdb
    schema: "{{ env_var('CI_SCHEMA') }}"
`;

  it('uses the default when the variable is unset, and coerces numbers after interpolation', () => {
    const config = parse(text);
    expect(config.targetName).toBe('dev');
    expect(config.target).toMatchObject({ path: 'target/demo.duckdb', threads: 2 });
  });

  it('uses the environment value over the default, in every call of one string', () => {
    const config = parse(text, { env: { DB_DIR: '/data', DB_NAME: 'prod', THREADS: '8' } });
    expect(config.target).toMatchObject({ path: '/data/prod.duckdb', threads: 8 });
  });

  it('an unset variable without default is an error only in the target in use', () => {
    expect(parse(text).targetName).toBe('dev');
    const error = onlyError(text, { env: { SQLKIT_TARGET: 'ci' } });
    expect(error.code).toBe('CONFIG_ENV_VAR_MISSING');
    expect(error.message).toContain("'CI_SCHEMA'");
    expect(error.location).toMatchObject({ file: 'project.yml', line: lineOf(text, 'CI_SCHEMA'), column: columnOf(text, '"{{ env_var(\'CI_SCHEMA') });
    expect(error.hint).toContain("env_var('CI_SCHEMA', 'default')");
  });

  it('is resolved once the variable is set', () => {
    expect(parse(text, { env: { SQLKIT_TARGET: 'ci', CI_SCHEMA: 'ci_42' } }).target).toMatchObject({ schema: 'ci_42' });
  });

  it('an empty environment value counts as set', () => {
    expect(parse(text, { env: { SQLKIT_TARGET: 'ci', CI_SCHEMA: '' } }).target).toMatchObject({ schema: '' });
  });

  it('any other expression in {{ }} is rejected with its line', () => {
    const bad = `name: demo
vars:
  schema_name: "{{ target.name }}_x"
targets:
  dev:
    type: duckdb
    schema: "{{ env_var('S') | upper }}"
`;
    const errors = errorsOfConfig(bad, { env: { S: 'x' } });
    expect(errors.map((e) => [e.code, e.location?.line])).toEqual([
      ['CONFIG_INVALID', 3],
      ['CONFIG_INVALID', 7],
    ]);
    expect(errors[0]!.message).toBe("Unsupported expression '{{ target.name }}' in YAML.");
    expect(errors[1]!.message).toContain("env_var('S') | upper");
    expect(errors[0]!.hint).toContain("env_var('NAME', 'default')");
  });
});

describe('project.yml: targets', () => {
  const text = `name: demo
target: prd
targets:
  dev:
    type: duckdb
  prod:
    type: duckdb
`;

  it("an unknown target in the project's target: points at that line and suggests the closest", () => {
    const error = onlyError(text);
    expect(error.code).toBe('CONFIG_UNKNOWN_TARGET');
    expect(error.message).toContain("'prd'");
    expect(error.location).toMatchObject({ file: 'project.yml', line: 2 });
    expect(error.hint).toBe("did you mean 'prod'? Targets defined: dev, prod.");
  });

  it('an unknown --target has no line (it came from the command line) and lists the targets', () => {
    const error = onlyError(BASE.replace('targets:', 'targets:\n  prod:\n    type: duckdb'), { targetName: 'deb' });
    expect(error.code).toBe('CONFIG_UNKNOWN_TARGET');
    expect(error.location).toBeUndefined();
    expect(error.hint).toBe("did you mean 'dev'? Targets defined: prod, dev.");
  });

  it('--target picks a defined target over the project default', () => {
    expect(parse(text, { targetName: 'dev' }).targetName).toBe('dev');
  });
});

describe('project.yml: folder config for folders that do not exist', () => {
  it('CONFIG_UNKNOWN_PATH with the line of the folder key and the closest folder', () => {
    const projectYml = `name: demo
models:
  +materialized: view
  stagng:
    +materialized: ephemeral
  marts:
    +materialized: table
    finance:
      +schema: finance
targets:
  dev:
    type: duckdb
`;
    const errors = compileErrors({
      'project.yml': projectYml,
      'models/staging/stg_a.sql': 'select 1 as id\n',
      'models/marts/a.sql': "select * from {{ ref('stg_a') }}\n",
    });
    expect(errors.map((e) => [e.code, e.location?.file, e.location?.line])).toEqual([
      ['CONFIG_UNKNOWN_PATH', 'project.yml', 4],
      ['CONFIG_UNKNOWN_PATH', 'project.yml', 8],
    ]);
    expect(errors[0]!.message).toContain("'models/stagng'");
    expect(errors[0]!.hint).toContain("did you mean 'models/staging'?");
    expect(errors[1]!.message).toContain("'models/marts/finance'");
    expect(errors[1]!.location?.column).toBe(5);
  });
});

describe('project.yml: every problem at once', () => {
  it('reports errors from the top level, paths, cluster, the target and models: together, sorted by line', () => {
    const text = `name: demo
versoin: "1.0"
models:
  +materialised: table
  staging:
    +materialized: tabel
targets:
  dev:
    type: duckdb
    pth: x.duckdb
    threads: many
paths:
  modles: m
cluster:
  identifier: demo
  region: us-west-2
  node_typ: dc2.large
`;
    const errors = errorsOfConfig(text);
    const expected = [
      ['versoin', 'version'],
      ['+materialised', '+materialized'],
      ['+materialized: tabel', undefined],
      ['pth:', 'path'],
      ['threads: many', undefined],
      ['modles', 'models'],
      ['node_typ', 'node_type'],
    ] as const;
    expect(errors.map((e) => e.code)).toEqual(expected.map(() => 'CONFIG_INVALID'));
    expect(errors.map((e) => e.location?.line)).toEqual(expected.map(([needle]) => lineOf(text, needle)));
    expected.forEach(([, suggestion], i) => {
      if (suggestion) expect(errors[i]!.hint).toBe(`did you mean '${suggestion}'?`);
    });
  });
});
