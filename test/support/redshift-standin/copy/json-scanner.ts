/** A JSON number kept as its source text: Redshift's integer rules depend on it (`1.0` is not an integer). */
export class JsonNumber {
  constructor(readonly text: string) {}
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject;
export type JsonObject = Map<string, JsonValue>;

export interface ScannedRecord {
  value?: JsonValue;
  error?: string;
  raw: string;
  /** 1-based line of the record's last character, as in stl_load_errors.line_number. */
  line: number;
}

const MAX_RECORD_BYTES = 4 * 1024 * 1024;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class JsonSyntaxError extends Error {}

class Parser {
  constructor(
    private readonly text: string,
    public pos: number,
  ) {}

  private skipSpace(): void {
    while (this.pos < this.text.length && ' \t\r\n'.includes(this.text[this.pos]!)) this.pos += 1;
  }

  private fail(what: string): never {
    throw new JsonSyntaxError(`Invalid JSON: ${what} at offset ${this.pos}`);
  }

  value(): JsonValue {
    this.skipSpace();
    const ch = this.text[this.pos];
    if (ch === '{') return this.object();
    if (ch === '[') return this.array();
    if (ch === '"') return this.string();
    if (ch === 't' && this.text.startsWith('true', this.pos)) return (this.pos += 4), true;
    if (ch === 'f' && this.text.startsWith('false', this.pos)) return (this.pos += 5), false;
    if (ch === 'n' && this.text.startsWith('null', this.pos)) return (this.pos += 4), null;
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (!match) this.fail('unexpected character');
    this.pos += match[0].length;
    return new JsonNumber(match[0]);
  }

  private string(): string {
    const start = this.pos;
    let i = start + 1;
    while (i < this.text.length && this.text[i] !== '"') {
      if (this.text[i] === '\\') i += 1;
      else if (this.text[i] === '\n') this.fail('newline in string');
      i += 1;
    }
    if (i >= this.text.length) this.fail('unterminated string');
    this.pos = i + 1;
    try {
      return JSON.parse(this.text.slice(start, i + 1)) as string;
    } catch {
      return this.fail('invalid string escape');
    }
  }

  private object(): JsonObject {
    const result: JsonObject = new Map();
    this.pos += 1;
    this.skipSpace();
    if (this.text[this.pos] === '}') return (this.pos += 1), result;
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] !== '"') this.fail('expected a member name');
      const key = this.string();
      this.skipSpace();
      if (this.text[this.pos] !== ':') this.fail("expected ':'");
      this.pos += 1;
      result.set(key, this.value());
      this.skipSpace();
      const ch = this.text[this.pos];
      this.pos += 1;
      if (ch === '}') return result;
      if (ch !== ',') this.fail("expected ',' or '}'");
    }
  }

  private array(): JsonValue[] {
    const result: JsonValue[] = [];
    this.pos += 1;
    this.skipSpace();
    if (this.text[this.pos] === ']') return (this.pos += 1), result;
    for (;;) {
      result.push(this.value());
      this.skipSpace();
      const ch = this.text[this.pos];
      this.pos += 1;
      if (ch === ']') return result;
      if (ch !== ',') this.fail("expected ',' or ']'");
    }
  }
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n += 1;
  return n;
}

/**
 * Splits a file into its root-level JSON values (objects, or arrays for jsonpaths), which Redshift expects
 * separated only by whitespace; anything else between them becomes an error record.
 */
export function scanJsonRecords(text: string): ScannedRecord[] {
  const records: ScannedRecord[] = [];
  let pos = 0;
  let line = 1;
  const advance = (to: number) => {
    line += countNewlines(text, pos, to);
    pos = to;
  };
  for (;;) {
    let start = pos;
    while (start < text.length && ' \t\r\n'.includes(text[start]!)) start += 1;
    advance(start);
    if (pos >= text.length) return records;
    const ch = text[pos];
    if (ch === '{' || ch === '[') {
      const parser = new Parser(text, pos);
      try {
        const value = parser.value();
        const raw = text.slice(pos, parser.pos);
        const endLine = line + countNewlines(text, pos, parser.pos);
        records.push(raw.length > MAX_RECORD_BYTES ? { error: 'JSON object exceeds the 4 MB limit', raw, line: endLine } : { value, raw, line: endLine });
        advance(parser.pos);
        continue;
      } catch (error) {
        if (!(error instanceof JsonSyntaxError)) throw error;
        const end = text.indexOf('\n', pos);
        const stop = end < 0 ? text.length : end;
        records.push({ error: error.message, raw: text.slice(pos, stop), line });
        advance(stop);
        continue;
      }
    }
    let stop = pos;
    while (stop < text.length && !' \t\r\n{['.includes(text[stop]!)) stop += 1;
    records.push({ error: 'Invalid JSON: expected an object or array at the root', raw: text.slice(pos, stop), line });
    advance(stop);
  }
}

/** Serialises a value back to compact JSON, numbers in their source form. */
export function toJsonText(value: JsonValue): string {
  if (value === null) return 'null';
  if (value instanceof JsonNumber) return value.text;
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  return `{${[...value].map(([key, item]) => `${JSON.stringify(key)}:${toJsonText(item)}`).join(',')}}`;
}
