import { existsSync, statSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import type { SourceNode } from '../../compile/index.js';
import { SqlkitError } from '../../errors/index.js';
import { sha256 } from '../../util/checksum.js';
import { toPosix } from '../../util/text.js';
import { listFolder, listingOf, statOf, type FolderListing, type ListedFile } from './folder-listing.js';

/** The files a local source path names, and a digest of the listing that found them (see FolderListing.digest). */
export interface SourceListing {
  digest: string;
  /** Sorted by path, so loads and errors come in a stable order; sorted on the first call. */
  files(): ListedFile[];
}

/**
 * The files a local source path names, with S3 key-prefix semantics (as COPY reads s3://bucket/prefix):
 * a folder means every file under it, recursively (see listFolder); otherwise every file whose project-relative
 * path starts with the given string. Each with its size and modification time.
 */
export async function listSourceFiles(projectRoot: string, path: string, node: SourceNode): Promise<SourceListing> {
  const absolute = resolve(projectRoot, path);
  let listing: FolderListing;
  if (isFolder(absolute)) listing = await listFolder(absolute);
  else if (existsSync(absolute) && statSync(absolute).isFile()) listing = listingOf([statOf(absolute)]);
  else {
    const parent = dirname(absolute);
    listing = listingOf(isFolder(parent) ? (await listFolder(parent)).files().filter((file) => file.path.startsWith(absolute)) : []);
  }
  if (listing.empty) {
    throw new SqlkitError('LOAD_NO_FILES', `No files found for source '${node.name}' at '${path}'.`, {
      location: { file: node.path, ...(node.line ? { line: node.line } : {}) },
      node: node.uniqueId,
      hint: `location.local.path is relative to the project root (${projectRoot}); check that '${path}' exists and holds data files.`,
    });
  }
  let sorted: ListedFile[] | undefined;
  return {
    // A find listing names files relative to the folder listed, so the folder is part of what it says.
    digest: sha256(`${absolute}\0${listing.digest}`),
    files: () => (sorted ??= listing.files().sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))),
  };
}

function isFolder(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

export function projectRelative(projectRoot: string, file: string): string {
  const root = projectRoot.endsWith(sep) ? projectRoot : projectRoot + sep;
  if (file.startsWith(root) && !file.includes(`${sep}..`)) return toPosix(file.slice(root.length));
  const rel = toPosix(relative(projectRoot, file));
  return rel.startsWith('..') ? toPosix(file) : rel;
}
