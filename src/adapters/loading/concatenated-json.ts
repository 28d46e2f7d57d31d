/**
 * Splits a file of whitespace-separated JSON values (one object per file, several objects, objects spread over
 * lines, or arrays of objects), as Redshift's COPY ... FORMAT JSON reads them, and reports the ones that do not
 * parse with the line they start on. Used only to locate errors the engine found, so it favours clarity over speed.
 */
import { jsonErrorLine } from './locate-lines.js';

export interface JsonValueSpan {
  /** Where the value starts, or for a value that does not parse, the line of the error. */
  line: number;
  text: string;
  ok: boolean;
}

export function splitJsonValues(content: string): JsonValueSpan[] {
  const spans: JsonValueSpan[] = [];
  let i = 0;
  let line = 1;
  while (i < content.length) {
    const c = content[i]!;
    if (c === '\n') line++;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    const startLine = line;
    let depth = 0;
    let inString = false;
    for (; i < content.length; i++) {
      const d = content[i]!;
      if (d === '\n') line++;
      if (inString) {
        if (d === '\\') i++;
        else if (d === '"') inString = false;
        continue;
      }
      if (d === '"') inString = true;
      else if (d === '{' || d === '[') depth++;
      else if (d === '}' || d === ']') {
        depth--;
        if (depth <= 0) {
          i++;
          break;
        }
      } else if (depth === 0 && /\s/.test(d)) break;
    }
    const text = content.slice(start, i);
    try {
      JSON.parse(text);
      spans.push({ line: startLine, text, ok: true });
    } catch (error) {
      // Point at the line where parsing failed inside the value, not where the value starts.
      spans.push({ line: startLine + jsonErrorLine(text, error) - 1, text, ok: false });
    }
  }
  return spans;
}
