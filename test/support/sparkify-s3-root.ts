import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SPARKIFY_DATA_DIR = fileURLToPath(new URL('../../data', import.meta.url));
export const SPARKIFY_BUCKET = 'udacity-dend';

export interface S3Root {
  root: string;
  cleanup(): Promise<void>;
}

/**
 * A temp folder standing in for S3, with the repository's Sparkify data linked in as
 * s3://udacity-dend/log_data/…, s3://udacity-dend/log_json_path.json and s3://udacity-dend/song_data/….
 */
export async function createSparkifyS3Root(): Promise<S3Root> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'sqlkit-s3-'));
  const bucket = path.join(root, SPARKIFY_BUCKET);
  await mkdir(bucket);
  for (const entry of ['log_data', 'song_data', 'log_json_path.json']) {
    await symlink(path.join(SPARKIFY_DATA_DIR, entry), path.join(bucket, entry));
  }
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) };
}
