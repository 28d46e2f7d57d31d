import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { generateProject } from './generate-project.js';
import { assertOk, median, runTimed } from './measure.js';
import { SQLKIT_BIN, WORK_DIR } from './paths.js';
import { result, round, type BenchResult } from './result.js';

// The floor any tool pays: start Node and read every file of the project.
const READ_ALL = `const fs=require('fs'),p=require('path');let n=0;const walk=d=>{for(const e of fs.readdirSync(d,{withFileTypes:true})){const f=p.join(d,e.name);if(e.isDirectory())walk(f);else{fs.readFileSync(f,'utf8');n++}}};walk('models');walk('macros');fs.readFileSync('project.yml','utf8');`;

/** `sqlkit compile` (load, render, DAG, manifest, compiled SQL) of synthetic projects, cold and warm. */
export async function benchCompile(sizes: readonly number[], reps: number): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const models of sizes) {
    const dir = join(WORK_DIR, `compile-${models}`);
    generateProject(dir, models);
    const baseline: number[] = [];
    const cold: number[] = [];
    const warm: number[] = [];
    for (let i = 0; i < reps; i++) {
      baseline.push((await runTimed(process.execPath, ['-e', READ_ALL], { cwd: dir })).wallMs);
      rmSync(join(dir, 'target'), { recursive: true, force: true });
      const first = await runTimed(process.execPath, [SQLKIT_BIN, 'compile'], { cwd: dir });
      assertOk(first, `sqlkit compile of ${models} models`);
      cold.push(first.wallMs);
      const second = await runTimed(process.execPath, [SQLKIT_BIN, 'compile'], { cwd: dir });
      assertOk(second, `sqlkit compile of ${models} models`);
      warm.push(second.wallMs);
    }
    const value = median(warm);
    results.push(
      result(`compile ${models.toLocaleString('en-US')} models`, value, 'ms', 'node + read all project files', median(baseline), models >= 10_000 ? '< 1000 ms' : 'report', models >= 10_000 ? value < 1000 : true, {
        coldMs: round(median(cold)),
        msPerModel: Math.round((value / models) * 1000) / 1000,
      }),
    );
  }
  return results;
}
