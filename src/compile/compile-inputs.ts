import { createHash } from 'node:crypto';
import type { Redactor } from '../errors/index.js';
import type { ProjectFiles } from '../project/index.js';
import type { SourceNode } from './manifest.js';

/**
 * A digest of everything a compile reads except the model files' text: project.yml as parsed (target, vars,
 * folder config, paths), every YAML, macro, data test and analysis file, the model files' names and folders, the
 * sources as parsed and the values of the environment variables the compile read. Two compiles with the same
 * digest differ only in model files whose text changed. Everything is hashed as it would be written out, redacted,
 * so the digest holds no secret: a changed password that no node shows leaves it as it was.
 */
export function compileInputsDigest(
  files: ProjectFiles,
  sources: readonly SourceNode[],
  env: Record<string, string | undefined>,
  envNames: readonly string[],
  redactor: Redactor,
): string {
  const hash = createHash('sha256');
  const add = (text: string) => hash.update(redactor.redact(text)).update('\0');
  add(JSON.stringify(files.config, (key, value: unknown) => (key === 'yaml' ? undefined : value)));
  for (const [group, list] of Object.entries({ modelYamls: files.modelYamls, sourceYamls: files.sourceYamls, macros: files.macros, dataTests: files.dataTests, analyses: files.analyses })) {
    add(group);
    for (const file of list) {
      add(file.path);
      add(file.text);
    }
  }
  add(files.modelFolders.join('\n'));
  add(files.models.map((file) => file.path).join('\n'));
  add(JSON.stringify(sources));
  add(JSON.stringify([...envNames].sort().map((name) => [name, env[name] ?? null])));
  return hash.digest('hex');
}

/** Recorded when the environment is listed: the compile may depend on any variable. */
export const ALL_ENV = '*';

/** The environment, with every variable read through it recorded: what a compile depends on. */
export function recordingEnv(env: Record<string, string | undefined>): { env: Record<string, string | undefined>; names: Set<string> } {
  const names = new Set<string>();
  const recording = new Proxy(env, {
    get(target, name) {
      if (typeof name === 'string') names.add(name);
      return Reflect.get(target, name) as unknown;
    },
    has(target, name) {
      if (typeof name === 'string') names.add(name);
      return Reflect.has(target, name);
    },
    // A compile that lists the environment depends on all of it.
    ownKeys(target) {
      names.add(ALL_ENV);
      return Reflect.ownKeys(target);
    },
  });
  return { env: recording, names };
}
