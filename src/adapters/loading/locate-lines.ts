import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse } from 'lossless-json';

/**
 * Finds the line numbers of given raw lines in a file by streaming it. Used only when rows were rejected, to
 * report file:line for values the engine could not convert (the engine reports the file, not the line).
 */
export async function locateLines(file: string, rawLines: readonly string[]): Promise<Map<string, number[]>> {
  const wanted = new Map<string, number>();
  for (const raw of rawLines) wanted.set(raw, (wanted.get(raw) ?? 0) + 1);
  const found = new Map<string, number[]>();
  let remaining = rawLines.length;
  const reader = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let line = 0;
  for await (const text of reader) {
    line++;
    const key = wanted.has(text) ? text : wanted.has(text.trim()) ? text.trim() : undefined;
    if (key === undefined) continue;
    const lines = found.get(key) ?? [];
    if (lines.length < wanted.get(key)!) {
      lines.push(line);
      found.set(key, lines);
      if (--remaining === 0) break;
    }
  }
  reader.close();
  return found;
}

/**
 * 1-based line where `text` stops being valid JSON. V8's messages give no position for some errors
 * ("Unexpected token 'b', ... is not valid JSON"), so the position comes from lossless-json's parser when needed.
 */
export function jsonErrorLine(text: string, error: unknown): number {
  let position = /position (\d+)/.exec(error instanceof Error ? error.message : String(error))?.[1];
  if (position === undefined) {
    try {
      parse(text);
    } catch (again) {
      position = /position (\d+)/.exec(again instanceof Error ? again.message : String(again))?.[1];
    }
  }
  if (position === undefined) return 1;
  return text.slice(0, Number(position)).split('\n').length;
}
