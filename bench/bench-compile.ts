import { spawnSync } from 'node:child_process';
import { appendFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { generateProject } from './generate-project.js';
import { assertOk, median, runTimed } from './measure.js';
import { SQLKIT_BIN, WORK_DIR } from './paths.js';
import { result, round, type BenchResult } from './result.js';

// The floor any tool pays: start Node and read every file of the project.
const READ_ALL = `const fs=require('fs'),p=require('path');let n=0;const walk=d=>{for(const e of fs.readdirSync(d,{withFileTypes:true})){const f=p.join(d,e.name);if(e.isDirectory())walk(f);else{fs.readFileSync(f,'utf8');n++}}};walk('models');walk('macros');fs.readFileSync('project.yml','utf8');`;

/**
 * `sqlkit compile` (load, render, DAG, manifest, compiled SQL) of synthetic projects: cold (no target folder, so
 * no parse cache and every compiled file written), after one model's SQL was edited (the everyday loop: the edit
 * stays inside the model, so the previous manifest is patched), after an edit to its config (a whole compile, the
 * parse cache reusing the other renders), and with nothing changed. The SQL edit is the figure held to the target.
 */
export async function benchCompile(sizes: readonly number[], reps: number): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const models of sizes) {
    const dir = join(WORK_DIR, `compile-${models}`);
    generateProject(dir, models);
    const middle = Math.floor(models / 2);
    const edited = join(dir, 'models', `layer_${String(Math.floor(middle / 100)).padStart(3, '0')}`, `model_${middle}.sql`);
    const baseline: number[] = [];
    const cold: number[] = [];
    const oneEdit: number[] = [];
    const unchanged: number[] = [];
    const configEdit: number[] = [];
    const compile = async (into: number[]) => {
      const run = await runTimed(process.execPath, [SQLKIT_BIN, 'compile'], { cwd: dir });
      assertOk(run, `sqlkit compile of ${models} models`);
      into.push(run.wallMs);
    };
    for (let i = 0; i < reps; i++) {
      baseline.push((await runTimed(process.execPath, ['-e', READ_ALL], { cwd: dir })).wallMs);
      rmSync(join(dir, 'target'), { recursive: true, force: true });
      await compile(cold);
      // The cold run wrote every compiled file: flush them, so their write-back does not land in the next timings.
      spawnSync('sync');
      appendFileSync(edited, `-- edit ${i}\n`);
      await compile(oneEdit);
      await compile(unchanged);
      // A tag of its own each time: the model's config changes, so other nodes may, and the whole project compiles.
      appendFileSync(edited, `{{ config(tags=['edit_${i}']) }}\n`);
      await compile(configEdit);
    }
    const value = median(oneEdit);
    results.push(
      result(`compile ${models.toLocaleString('en-US')} models, 1 edited`, value, 'ms', 'node + read all project files', median(baseline), models >= 10_000 ? '< 1000 ms' : 'report', models >= 10_000 ? value < 1000 : true, {
        coldMs: round(median(cold)),
        unchangedMs: round(median(unchanged)),
        configEditMs: round(median(configEdit)),
        msPerModel: Math.round((value / models) * 1000) / 1000,
      }),
    );
  }
  return results;
}
