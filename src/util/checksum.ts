import * as crypto from 'node:crypto';

/** crypto.hash (Node 20.12+) hashes in one call, without a Hash object per text; older Node takes the long way. */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;
function digest(algorithm: string, text: string): string {
  return oneShot ? oneShot(algorithm, text, 'hex') : crypto.createHash(algorithm).update(text).digest('hex');
}

export function sha256(text: string): string {
  return digest('sha256', text);
}

export function shortHash(text: string, length = 8): string {
  return sha256(text).slice(0, length);
}

/** fastHash's length in hex digits: every fastHash has exactly this many. */
export const FAST_HASH_LENGTH = 16;

/**
 * A short hash (64 bits of SHA-1, as hex) for change detection on hot paths: thousands of compiled files and test
 * specs per compile. Node's one-shot crypto.hash costs a third of a hash loop in JavaScript.
 */
export function fastHash(text: string): string {
  return digest('sha1', text).slice(0, FAST_HASH_LENGTH);
}
