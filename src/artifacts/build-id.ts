import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Which build of sqlkit wrote a cache (its code file's size and time): a cache written by another build may hold
 * what that build got wrong, so this one ignores it.
 */
export const SQLKIT_BUILD = (() => {
  try {
    const stat = statSync(fileURLToPath(import.meta.url));
    return `${stat.size}:${stat.mtimeMs}`;
  } catch {
    return 'unknown';
  }
})();
