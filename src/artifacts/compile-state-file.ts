import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { ParseCache } from '../compile/index.js';
import { SQLKIT_BUILD } from './build-id.js';
import { CHECKSUM_LENGTH, decodeStamps, encodeStamps, type StoredStamps } from './parse-cache-file.js';
import { writeFileAtomically, type WrittenStamp } from './write-atomically.js';

export const COMPILE_STATE_FILE = 'compile_state.bin';
const FORMAT = 1;

/**
 * What `sqlkit compile` needs to bring manifest.json up to date after a few model files changed, without compiling
 * the project again (see compileByPatch). It holds no SQL, config value or secret: hashes, stamps and names.
 */
export interface CompileState {
  /** Digest of every compile input except the model files' text: see compileInputsDigest. */
  inputs: string;
  /** The manifest.json this state describes. */
  manifest: WrittenStamp;
  /** Nodes by resource type, as `sqlkit compile` reports them. */
  counts: Record<string, number>;
  /** Every environment variable the compile read. */
  envNames: string[];
  /** Every model file's SHA-256, by path. */
  checksums: Map<string, string>;
  /** Model files with the stamp their checksum was taken under, where the stamp was settled (see fileChecksum). */
  stamps: ParseCache['files'];
}

interface StoredState {
  format: number;
  build: string;
  inputs: string;
  manifest: WrittenStamp;
  counts: Record<string, number>;
  envNames: string[];
  paths: string;
  checksums: string;
  stamps: StoredStamps;
}

export function readCompileState(projectRoot: string, targetPath: string): CompileState | undefined {
  try {
    const stored = deserialize(readFileSync(join(projectRoot, targetPath, COMPILE_STATE_FILE))) as StoredState;
    if (stored.format !== FORMAT || stored.build !== SQLKIT_BUILD) return undefined;
    const paths = stored.paths ? stored.paths.split('\n') : [];
    if (stored.checksums.length !== paths.length * CHECKSUM_LENGTH) return undefined;
    return {
      inputs: stored.inputs,
      manifest: stored.manifest,
      counts: stored.counts,
      envNames: stored.envNames,
      checksums: new Map(paths.map((path, i) => [path, stored.checksums.slice(i * CHECKSUM_LENGTH, (i + 1) * CHECKSUM_LENGTH)])),
      stamps: decodeStamps(stored.stamps),
    };
  } catch {
    return undefined;
  }
}

/** Writes the state atomically; undefined removes it, so the next compile takes the whole way. */
export function writeCompileState(projectRoot: string, targetPath: string, state: CompileState | undefined): void {
  const file = join(projectRoot, targetPath, COMPILE_STATE_FILE);
  try {
    if (!state || [...state.checksums.keys()].some((path) => path.includes('\n'))) {
      rmSync(file, { force: true });
      return;
    }
    const stored: StoredState = {
      format: FORMAT,
      build: SQLKIT_BUILD,
      inputs: state.inputs,
      manifest: state.manifest,
      counts: state.counts,
      envNames: state.envNames,
      paths: [...state.checksums.keys()].join('\n'),
      checksums: [...state.checksums.values()].join(''),
      stamps: encodeStamps(state.stamps),
    };
    mkdirSync(dirname(file), { recursive: true });
    writeFileAtomically(file, [serialize(stored)]);
  } catch {
    // Only a shortcut: without it the next compile compiles the whole project.
    try {
      rmSync(file, { force: true });
    } catch {
      // A state that cannot be removed no longer matches manifest.json, which the caller has just written.
    }
  }
}
