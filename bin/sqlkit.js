#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
// A temporary file renamed into place, so that a command starting meanwhile reads the old cache or the new one.
import { writeFileAtomically } from '../dist/artifacts/write-atomically.js';

/*
 * Runs the CLI bundle (one CommonJS file: scripts/bundle-cli.mjs) with V8's code cache. The bytecode of every
 * function a command compiled is kept beside the bundle, and the next command starts from it instead of parsing
 * and compiling those functions again: about a tenth of a 10,000-model `sqlkit compile`. (Node 20 offers code
 * caching to scripts only, not to ES modules.) V8 checks that a cache matches the source and the Node version, and
 * refuses one that does not; the file name carries the Node version so that two Nodes sharing a folder do not
 * overwrite each other's. Where the folder is read-only (a global install), every command compiles afresh.
 */
const bundle = fileURLToPath(new URL('../dist/bundle/sqlkit.cjs', import.meta.url));
const cacheFile = `${bundle}.${process.version}.v8cache`;
// The commands whose functions the cache holds: a command not among them saves the cache again on exit, holding
// what the cache held and what this command compiled. (Making the cache costs about 15 ms: not on every exit.)
const commandsFile = `${cacheFile}.commands`;
const command = process.argv.slice(2).find((arg) => !arg.startsWith('-')) ?? '(none)';

const read = (file, encoding) => {
  try {
    return readFileSync(file, encoding);
  } catch {
    return undefined;
  }
};
const cached = read(cacheFile);
const script = new Script(Module.wrap(readFileSync(bundle, 'utf8')), { filename: bundle, cachedData: cached });
const usable = cached !== undefined && !script.cachedDataRejected;
const commands = usable ? (read(commandsFile, 'utf8') ?? '').split('\n').filter(Boolean) : [];

if (!commands.includes(command)) {
  process.once('exit', () => {
    try {
      writeFileAtomically(cacheFile, [script.createCachedData()]);
      writeFileAtomically(commandsFile, [[...commands, command].join('\n')]);
    } catch {
      // a read-only folder: run without a cache
    }
  });
}

const module = { exports: {} };
script.runInThisContext().call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));
