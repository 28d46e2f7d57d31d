// Bundles the CLI (and its pure-JS dependencies) into one file, so a command loads one script instead of a few
// hundred modules: it halves start-up time (about 210 ms to 130 ms for `sqlkit --version`).
// Native bindings and the optional engine packages (pg, the AWS SDK) stay external and load only when a run needs them.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

/**
 * zod re-exports every message locale as `z.locales` and `z.core.locales`, and bundling through the `z` namespace keeps them all: 357 KB
 * of the CLI's 1.6 MB, parsed at every start. sqlkit never reads `z.locales`; the English messages zod uses by
 * default are imported by zod's schemas directly, not through this index, so they stay.
 */
const withoutZodLocales = {
  name: 'without-zod-locales',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic[\\/]external|core[\\/]index)\.js$/.test(args.importer) ? { path: 'zod-locales', namespace: 'without-zod-locales' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'without-zod-locales' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

/**
 * @duckdb/node-api is bundled (its 120 CommonJS files cost about 90 ms to load through Node's ESM loader), but its
 * native bindings are not: they are required at run time from node-api's own folder, as node-api itself would, so
 * the bindings found always match the node-api version the bundle was built from, however npm laid them out.
 */
const duckdbBindingsBesideNodeApi = {
  name: 'duckdb-bindings-beside-node-api',
  setup(build) {
    build.onResolve({ filter: /^@duckdb\/node-bindings$/ }, () => ({ path: 'node-bindings', namespace: 'duckdb-bindings' }));
    build.onLoad({ filter: /.*/, namespace: 'duckdb-bindings' }, () => ({
      contents: "const { createRequire } = require('node:module');\nmodule.exports = createRequire(require.resolve('@duckdb/node-api'))('@duckdb/node-bindings');\n",
      loader: 'js',
    }));
  },
};

rmSync('dist/bundle', { recursive: true, force: true });

// One CommonJS file rather than ES modules: bin/sqlkit.js runs it with V8's code cache, which Node 20 offers only to
// scripts. Modules the CLI imports lazily (an engine's adapter) are still evaluated only when a command needs them.
await build({
  entryPoints: { sqlkit: 'dist/cli/main.js' },
  outdir: 'dist/bundle',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  outExtension: { '.js': '.cjs' },
  external: ['pg', 'pg-copy-streams', '@aws-sdk/*'],
  define: { 'import.meta.url': '__sqlkitModuleUrl' },
  banner: { js: "const __sqlkitModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [withoutZodLocales, duckdbBindingsBesideNodeApi],
  logLevel: 'warning',
  // The bindings are resolved at run time on purpose (see duckdbBindingsBesideNodeApi).
  logOverride: { 'require-resolve-not-external': 'silent' },
});
