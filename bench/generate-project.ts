import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRandom } from './random.js';

/**
 * A synthetic project of `models` models in a layered DAG: 100 models per folder, each model after the first
 * layer refs two models of the layer before, sets config, and uses macros; every folder has a YAML file with
 * descriptions and not_null / unique tests, like a real project grown over years.
 */
export function generateProject(dir: string, models: number, seed = 7): void {
  rmSync(dir, { recursive: true, force: true });
  const random = createRandom(seed);
  mkdirSync(join(dir, 'macros'), { recursive: true });
  writeFileSync(join(dir, 'project.yml'), 'name: synthetic\nmodels:\n  +materialized: view\ntargets:\n  dev:\n    type: duckdb\n    path: target/synthetic.duckdb\n');
  writeFileSync(
    join(dir, 'macros', 'helpers.sql'),
    "{% macro cents(column) %}round({{ column }} * 100){% endmacro %}\n{% macro default__safe_divide(a, b) %}case when {{ b }} = 0 then null else {{ a }} / {{ b }} end{% endmacro %}\n{% macro duckdb__safe_divide(a, b) %}{{ a }} / nullif({{ b }}, 0){% endmacro %}\n",
  );
  const perLayer = 100;
  let yaml = '';
  for (let i = 0; i < models; i++) {
    const layer = Math.floor(i / perLayer);
    const folder = join(dir, 'models', `layer_${String(layer).padStart(3, '0')}`);
    if (i % perLayer === 0) mkdirSync(folder, { recursive: true });
    const config = `{{ config(materialized='${i % 10 === 0 ? 'table' : 'view'}', tags=['layer_${layer}']) }}`;
    let body: string;
    if (layer === 0) body = `select range as id, range * ${i + 1} as amount from range(10)`;
    else {
      const a = (layer - 1) * perLayer + random.int(perLayer);
      const b = (layer - 1) * perLayer + random.int(perLayer);
      body = `select a.id, {{ cents('a.amount') }} as amount_cents, {{ safe_divide('a.amount', 'b.amount') }} as ratio\nfrom {{ ref('model_${a}') }} as a\njoin {{ ref('model_${b}') }} as b on a.id = b.id\n{% if var('only_positive', true) %}where a.amount > 0{% endif %}`;
    }
    writeFileSync(join(folder, `model_${i}.sql`), `${config}\n${body}\n`);
    yaml += `  - name: model_${i}\n    description: Synthetic model ${i}.\n    columns:\n      - name: id\n        tests: [not_null${i % 5 === 0 ? ', unique' : ''}]\n`;
    if (i % perLayer === perLayer - 1 || i === models - 1) {
      writeFileSync(join(folder, 'schema.yml'), `models:\n${yaml}`);
      yaml = '';
    }
  }
}
