// Bundles the CLI (and its pure-JS dependencies) into a few files, so a command loads one module graph
// instead of a few hundred files: it halves start-up time (about 210 ms to 130 ms for `sqlkit --version`).
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

// Chunk names change with their content: start from an empty folder so old chunks do not pile up.
rmSync('dist/bundle', { recursive: true, force: true });

await build({
  entryPoints: { sqlkit: 'dist/cli/main.js' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outExtension: { '.js': '.mjs' },
  external: ['pg', 'pg-copy-streams', '@aws-sdk/*'],
  banner: { js: "import { createRequire as __sqlkitCreateRequire } from 'node:module'; const require = __sqlkitCreateRequire(import.meta.url);" },
  plugins: [withoutZodLocales, duckdbBindingsBesideNodeApi],
  logLevel: 'warning',
});
