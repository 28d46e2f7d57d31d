import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { sep } from 'node:path';

/** A file, with what one stat says of it. */
export interface ListedFile {
  path: string;
  size: number;
  /** Its modification time in whole milliseconds, as Math.trunc(stat.mtimeMs). */
  modifiedMs: number;
}

/** The files one listing found, and a digest of that listing. */
export interface FolderListing {
  /**
   * A sha256 of the listing as read: names, sizes and modification times, in the order listed. Two listings with
   * the same digest found the same files with the same stamps. Two listings of an unchanged folder usually share
   * a digest but need not (another order, another lister), so a new digest says only "compare the files".
   */
  digest: string;
  empty: boolean;
  /** The files, unsorted. Parsed from the listing on the first call: a caller that only compares digests never pays for it. */
  files(): ListedFile[];
}

/**
 * Every regular file under `dir`, recursively and unsorted, with its size and modification time. Hidden files and
 * folders (.DS_Store, .git) are skipped, a hidden folder is never entered, and links below `dir` are not followed.
 *
 * Through GNU find where there is one: for 20,000 song files it takes a third of the CPU of Node's readdir and
 * stat (0.04 s against 0.1 to 0.2 s), in its own process, so the engine loading another source beside it keeps
 * more of the machine. Anywhere find is missing, is not GNU's (no -printf) or fails, Node lists the files.
 */
export async function listFolder(dir: string): Promise<FolderListing> {
  const output = await findOutput(dir);
  if (output === undefined) return listingOf(listWithNode(dir));
  let files: ListedFile[] | undefined;
  return {
    digest: createHash('sha256').update('find\0').update(output).digest('hex'),
    empty: output.length === 0,
    files: () => (files ??= parseFindOutput(output.toString('utf8'), dir) ?? listWithNode(dir)),
  };
}

/** A listing of files already stat'ed one by one. */
export function listingOf(files: ListedFile[]): FolderListing {
  const hash = createHash('sha256').update('stat');
  for (const file of files) hash.update(`\0${file.path}\0${file.size}\0${file.modifiedMs}`);
  return { digest: hash.digest('hex'), empty: files.length === 0, files: () => files };
}

let findUnusable = process.platform === 'win32';

/** The files as GNU find lists them; undefined where it cannot (then listWithNode reports any error itself). */
export async function listWithFind(dir: string): Promise<ListedFile[] | undefined> {
  const output = await findOutput(dir);
  return output === undefined ? undefined : parseFindOutput(output.toString('utf8'), dir);
}

/**
 * What GNU find prints for the files under `dir`: a name, a size and a modification time per file, each ending in
 * NUL. Undefined where find is missing or fails; a find that is not GNU's fails on -printf.
 */
async function findOutput(dir: string): Promise<Buffer | undefined> {
  if (findUnusable) return undefined;
  // -H follows `dir` if it is a link, and nothing below it; fields end in NUL, which no file name holds.
  const args = ['-H', dir, '-mindepth', '1', '(', '-name', '.*', '-prune', ')', '-o', '-type', 'f', '-printf', '%P\\0%s\\0%T@\\0'];
  const output = await new Promise<Buffer | undefined>((resolve) => {
    const chunks: Buffer[] = [];
    const find = spawn('find', args, { stdio: ['ignore', 'pipe', 'ignore'] });
    find.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    find.on('error', () => {
      findUnusable = true;
      resolve(undefined);
    });
    find.on('close', (code) => resolve(code === 0 ? Buffer.concat(chunks) : undefined));
  });
  // Fields end in NUL, so whole output does too: anything else was cut short.
  return output !== undefined && (output.length === 0 || output[output.length - 1] === 0) ? output : undefined;
}

/** Triples of name, size and `seconds.fraction` modification time; undefined if the output is not that. */
export function parseFindOutput(output: string, dir: string): ListedFile[] | undefined {
  const fields = output.split('\0');
  if (fields.pop() !== '' || fields.length % 3 !== 0) return undefined;
  const prefix = dir.endsWith(sep) ? dir : dir + sep;
  const files: ListedFile[] = [];
  for (let i = 0; i < fields.length; i += 3) {
    const size = Number(fields[i + 1]);
    const modifiedMs = epochSecondsToMs(fields[i + 2]!);
    if (!Number.isSafeInteger(size) || modifiedMs === undefined) return undefined;
    files.push({ path: prefix + fields[i]!, size, modifiedMs });
  }
  return files;
}

/**
 * find prints `1795650499.1481623120`; Node's mtimeMs is seconds * 1000 + nanoseconds / 1e6, truncated here. From
 * the digits, not through a float, so the two agree to the millisecond.
 */
function epochSecondsToMs(text: string): number | undefined {
  const match = /^(\d+)(?:\.(\d*))?$/.exec(text);
  if (!match) return text.startsWith('-') && Number.isFinite(Number(text)) ? Math.trunc(Number(text) * 1000) : undefined;
  return Number(match[1]) * 1000 + Number((match[2] ?? '').padEnd(3, '0').slice(0, 3));
}

/** The same listing in Node: folder by folder, then one stat per file. */
export function listWithNode(dir: string): ListedFile[] {
  const files: ListedFile[] = [];
  const folders = [dir];
  for (let folder = folders.pop(); folder !== undefined; folder = folders.pop()) {
    const prefix = folder.endsWith(sep) ? folder : folder + sep;
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const path = prefix + entry.name;
      if (entry.isDirectory()) folders.push(path);
      else if (entry.isFile()) files.push(statOf(path));
    }
  }
  return files;
}

export function statOf(path: string): ListedFile {
  const stat = statSync(path);
  return { path, size: stat.size, modifiedMs: Math.trunc(stat.mtimeMs) };
}
