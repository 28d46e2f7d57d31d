import { describe, expect, it } from 'vitest';
import { compileProject } from '../../../src/compile/index.js';
import { projectFilesOf } from '../../support/compile-files.js';

/** Ephemeral models are inlined as CTEs, each defined before its first use, however long the chain. */
describe('ephemeral models inlined as CTEs', () => {
  it('orders the CTEs of a diamond of ephemerals so each is defined once, before use', () => {
    const compiled = compileProject(
      projectFilesOf({
        'models/base.sql': "{{ config(materialized='ephemeral') }}\nselect 1 as id",
        'models/left_side.sql': "{{ config(materialized='ephemeral') }}\nselect id from {{ ref('base') }}",
        'models/right_side.sql': "{{ config(materialized='ephemeral') }}\nselect id from {{ ref('base') }}",
        'models/joined.sql': "{{ config(materialized='table') }}\nwith x as (select 1 as one)\nselect l.id from {{ ref('left_side') }} l join {{ ref('right_side') }} r on l.id = r.id cross join x",
      }),
      { env: {} },
    );
    const sql = compiled.manifest.nodes['model.demo.joined']!;
    expect('compiledSql' in sql).toBe(true);
    const text = (sql as { compiledSql: string }).compiledSql;
    const positions = ['base', 'left_side', 'right_side'].map((name) => text.indexOf(`"__sqlkit_cte__${name}" as (`));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect(positions[0]).toBeLessThan(positions[1]!);
    expect(positions[0]).toBeLessThan(positions[2]!);
    expect(text.match(/"__sqlkit_cte__base" as \(/g)).toHaveLength(1);
    expect(text).toMatch(/^\s*with "__sqlkit_cte__base" as \(/);
    expect(text).toMatch(/\),\nx as \(select 1 as one\)/);
  });

  it('compiles a chain of 3,000 ephemeral models without running out of stack', () => {
    const files: Record<string, string> = { 'models/e0.sql': "{{ config(materialized='ephemeral') }}\nselect 0 as n" };
    for (let i = 1; i < 3000; i++) files[`models/e${i}.sql`] = `{{ config(materialized='ephemeral') }}\nselect n + 1 as n from {{ ref('e${i - 1}') }}`;
    files['models/result.sql'] = "{{ config(materialized='table') }}\nselect n from {{ ref('e2999') }}";
    const compiled = compileProject(projectFilesOf(files), { env: {} });
    const text = (compiled.manifest.nodes['model.demo.result'] as { compiledSql: string }).compiledSql;
    expect(text.match(/ as \(\n/g)).toHaveLength(3000);
    expect(text.indexOf('"__sqlkit_cte__e0" as (')).toBeLessThan(text.indexOf('"__sqlkit_cte__e1" as ('));
    expect(text.indexOf('"__sqlkit_cte__e2998" as (')).toBeLessThan(text.indexOf('"__sqlkit_cte__e2999" as ('));
    expect(text.endsWith('select n from "__sqlkit_cte__e2999"')).toBe(true);
  });
});
