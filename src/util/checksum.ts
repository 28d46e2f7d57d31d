import { createHash } from 'node:crypto';

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function shortHash(text: string, length = 8): string {
  return sha256(text).slice(0, length);
}

/**
 * A fast non-cryptographic hash (two FNV-1a lanes, 64 bits as hex) for change detection on hot paths: thousands
 * of compiled files and test specs per compile, where sha256's per-call cost showed up in profiles.
 */
export function fastHash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}
