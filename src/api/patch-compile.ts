import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_FILE, patchCompiledSql, patchManifest, readCompileState, writeCompileState, type WrittenManifest } from '../artifacts/index.js';
import { ALL_ENV, compileInputsDigest, isSource, nodeCounts, parseSourceFiles, patchModels, recordingEnv } from '../compile/index.js';
import { secretsInConfig, type SqlkitError } from '../errors/index.js';
import type { ProjectFiles } from '../project/index.js';
import type { OpenedProject, ReadProject } from './open-project.js';

export interface PatchedCompile {
  files: ProjectFiles;
  /** Nodes by resource type. */
  counts: Record<string, number>;
  /** Compiled SQL files written. */
  written: number;
  reusedModels: number;
  manifestPath: string;
}

/**
 * `sqlkit compile` after an edit to a few model files, without compiling the project again: when nothing but those
 * files changed since the last compile and the edit stays inside them (see patchModels), their manifest entries
 * and compiled files are rewritten and the rest of manifest.json is copied as text. The result is the file a whole
 * compile writes. Undefined when that does not hold: the caller then compiles the project, which writes every
 * artifact afresh (a compiled file this may have written first included).
 */
export function compileByPatch({ files, redactor, env }: ReadProject): PatchedCompile | undefined {
  const target = files.config.paths.target;
  const state = readCompileState(files.root, target);
  if (!state || state.envNames.includes(ALL_ENV)) return undefined;
  const manifestFile = join(files.root, target, MANIFEST_FILE);
  if (!isFileWithStamp(manifestFile, state.manifest)) return undefined;
  if (files.models.length !== state.checksums.size || files.models.some((file) => !state.checksums.has(file.path))) return undefined;

  const recording = recordingEnv(env);
  const errors: SqlkitError[] = [];
  const sources = parseSourceFiles(files.sourceYamls, files.config, recording.env, errors);
  if (errors.length) return undefined;
  for (const node of sources.nodes) for (const secret of secretsInConfig(node.load, env)) redactor.add(secret);
  if (redactor.knowsSecrets()) return undefined;
  if (compileInputsDigest(files, sources.nodes, env, state.envNames, redactor) !== state.inputs) return undefined;

  const manifestText = readFileSync(manifestFile, 'utf8');
  const patch = patchModels(files, recording.env, sources, { ...state, manifestText }, redactor);
  if (!patch) return undefined;
  const replaced = [...patch.replaced.values()];
  // The compiled files first: a patch that stops between the two leaves manifest.json and the state as they
  // were, so the next compile does the same work again.
  const written = patchCompiledSql(replaced, files.root, target, redactor);
  if (written === undefined) return undefined;
  const manifest = patchManifest(manifestFile, manifestText, replaced, redactor);
  if (!manifest) return undefined;
  const envNames = [...new Set([...state.envNames, ...recording.names])];
  writeCompileState(files.root, target, {
    // The digest covers the values of the variables read: a patch that read a new one hashes them again.
    inputs: envNames.length === state.envNames.length ? state.inputs : compileInputsDigest(files, sources.nodes, env, envNames, redactor),
    manifest: manifest.stamp,
    counts: state.counts,
    envNames,
    checksums: patch.checksums,
    stamps: patch.stamps,
  });
  return { files, counts: state.counts, written, reusedModels: patch.reusedModels, manifestPath: manifest.file };
}

/**
 * After a whole compile wrote manifest.json: what the next `sqlkit compile` needs to patch it. None when the compile
 * knows a secret value (a password, an iam_role): whether the secrets changed since cannot be told without keeping
 * something derived from them, and a newly known secret must be redacted from files a patch would leave as they are.
 */
export function recordCompileState(project: OpenedProject, manifest: WrittenManifest): void {
  const { files, compiled, redactor, env, envReads } = project;
  const target = files.config.paths.target;
  if (redactor.knowsSecrets()) {
    writeCompileState(files.root, target, undefined);
    return;
  }
  const nodes = Object.values(compiled.manifest.nodes);
  const envNames = [...envReads];
  writeCompileState(files.root, target, {
    inputs: compileInputsDigest(files, nodes.filter(isSource), env, envNames, redactor),
    manifest: manifest.stamp,
    counts: nodeCounts(nodes),
    envNames,
    checksums: modelChecksums(compiled.parseCache.models),
    stamps: compiled.parseCache.files,
  });
}

function modelChecksums(models: ReadonlyMap<string, { checksum: string }>): Map<string, string> {
  const checksums = new Map<string, string>();
  for (const [path, { checksum }] of models) checksums.set(path, checksum);
  return checksums;
}

function isFileWithStamp(file: string, stamp: { size: number; mtimeMs: number; ino: number }): boolean {
  try {
    const stat = statSync(file);
    return stat.size === stamp.size && stat.mtimeMs === stamp.mtimeMs && stat.ino === stamp.ino;
  } catch {
    return false;
  }
}
