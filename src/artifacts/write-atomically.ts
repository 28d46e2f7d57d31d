import { closeSync, fstatSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

/** What identifies the file a write made: a rename keeps its inode, size and modification time (not its ctime). */
export interface WrittenStamp {
  size: number;
  mtimeMs: number;
  ino: number;
}

/**
 * Writes a file atomically (a temporary file, then a rename), so a reader never sees half of it. The text comes in
 * pieces written one after the other: joining a manifest of many megabytes to its final newline would copy it again.
 */
export function writeFileAtomically(file: string, pieces: readonly (string | Uint8Array)[]): WrittenStamp {
  const temporary = `${file}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w');
  let stamp: WrittenStamp;
  try {
    for (const piece of pieces) writeAll(fd, typeof piece === 'string' ? Buffer.from(piece) : piece);
    // Taken from the file this process wrote, so that a writer racing with it cannot lend it another file's stamp.
    const { size, mtimeMs, ino } = fstatSync(fd);
    stamp = { size, mtimeMs, ino };
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  return stamp;
}

/** writeSync may write less than asked (a full disk, a signal): write the rest, as writeFileSync does. */
function writeAll(fd: number, bytes: Uint8Array): void {
  for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset);
}
