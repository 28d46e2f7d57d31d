import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchBuild, benchIncremental } from './bench-build.js';
import { benchCompile } from './bench-compile.js';
import { benchRedshift } from './bench-redshift.js';
import { generateSparkifyData } from './generate-sparkify-data.js';
import { REPO_ROOT, WORK_DIR } from './paths.js';
import type { BenchResult } from './result.js';

/**
 * npm run bench [-- --only compile,build,incremental,redshift] [--scale] [--events N] [--songs N] [--reps N]
 *
 * Every figure is printed with a baseline measured in the same run (the machines here are shared and noisy):
 * compile against "start Node and read the files", build against the same SQL replayed without sqlkit,
 * incremental against a full rebuild, Redshift against the stand-in's own execution time.
 * --scale adds the 10M-event build (peak heap and memory) and the incremental load after it (--reps times).
 */
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const value = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(args[i + 1]);
};
const only = (() => {
  const i = args.indexOf('--only');
  return i === -1 ? undefined : new Set(args[i + 1]!.split(','));
})();
const wants = (name: string) => !only || only.has(name);
const reps = value('reps', 3);
const events = value('events', 1_000_000);
const songs = value('songs', 20_000);
const started = Date.now();
const results: BenchResult[] = [];
mkdirSync(WORK_DIR, { recursive: true });

const step = (message: string) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${message}\n`);

if (wants('compile')) {
  step('compile: generating synthetic projects of 1,000 and 10,000 models');
  results.push(...(await benchCompile([1000, 10_000], reps)));
}
if (wants('build') || wants('incremental')) {
  step(`generating Sparkify data: ${events.toLocaleString('en-US')} events, ${songs.toLocaleString('en-US')} song files (cached)`);
  const data = await generateSparkifyData(join(WORK_DIR, 'data'), events, songs);
  const label = `${(events / 1e6).toLocaleString('en-US')}M events`;
  step(`build: sqlkit vs replayed SQL at ${label}`);
  const build = await benchBuild(data, reps, label, true);
  if (wants('build')) results.push(...build.results);
  if (wants('incremental')) {
    step('incremental: one new day after a full build');
    results.push(...(await benchIncremental(data, build.project, label, reps, events >= 10_000_000)));
  }
}
if (flag('scale')) {
  step('scale: generating 10M events (cached after the first run)');
  const data = await generateSparkifyData(join(WORK_DIR, 'data'), 10_000_000, songs);
  step('scale: 10M-event build, sqlkit vs replayed SQL, with peak memory');
  const build = await benchBuild(data, 1, '10M events', true);
  results.push(...build.results);
  step('scale: one new day after the 10M build');
  results.push(...(await benchIncremental(data, build.project, '10M events', reps, true)));
}
if (wants('redshift')) {
  step('redshift: Data API polling overhead against the stand-in');
  results.push(...(await benchRedshift(Math.max(3, reps))));
}

const out = join(REPO_ROOT, 'bench', 'results');
mkdirSync(out, { recursive: true });
const report = { generatedAt: new Date().toISOString(), node: process.version, args, results };
writeFileSync(join(out, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);

const rows = results.map((r) => [r.measure, `${r.value.toLocaleString('en-US')} ${r.unit}`, `${r.baseline.toLocaleString('en-US')} (${r.baselineLabel})`, `${r.ratio}x`, r.target, r.met ? 'met' : 'MISSED', Object.entries(r.details ?? {}).map(([k, v]) => `${k}=${v}`).join(' ')]);
const header = ['measure', 'value', 'baseline', 'ratio', 'target', '', 'details'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const row of rows) console.log(line(row));
console.log(`\n${results.length} measures in ${((Date.now() - started) / 1000).toFixed(0)} s; written to bench/results/latest.json`);
