import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { sep } from 'node:path';

/** A file, with what one stat says of it. */
export interface ListedFile {
  path: string;
  size: number;
  /** Its modification time in whole milliseconds, as Math.trunc(stat.mtimeMs). */
  modifiedMs: number;
}

/**
 * Every regular file under `dir`, recursively and unsorted, with its size and modification time. Hidden files and
 * folders (.DS_Store, .git) are skipped, a hidden folder is never entered, and links below `dir` are not followed.
 *
 * Through GNU find where there is one: for 20,000 song files it takes a third of the CPU of Node's readdir and
 * stat (0.04 s against 0.1 to 0.2 s), in its own process, so the engine loading another source beside it keeps
 * more of the machine. Anywhere find is missing, is not GNU's (no -printf) or fails, Node lists the files.
 */
export async function listFolder(dir: string): Promise<ListedFile[]> {
  return (await listWithFind(dir)) ?? listWithNode(dir);
}

let findUnusable = process.platform === 'win32';

/** The files as GNU find lists them; undefined where it cannot (then listWithNode reports any error itself). */
export async function listWithFind(dir: string): Promise<ListedFile[] | undefined> {
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
  return output === undefined ? undefined : parseFindOutput(output.toString('utf8'), dir);
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
