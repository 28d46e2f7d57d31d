import { SqlBuilder } from './sql-builder.js';
import type { Token } from './tokenizer.js';
import { isPunct, isWord, matchParen, nextSig, quoteLiteral, splitTopLevel, stringValue } from './tokens.js';

export type RewriteRange = (from: number, to: number) => SqlBuilder;

/** Redshift functions provided by the rs_compat schema; calls are qualified so a changed search_path still finds them. */
const COMPAT_FUNCTIONS = new Set([
  'getdate', 'convert_timezone', 'dateadd', 'datediff', 'len', 'charindex', 'months_between',
  'pg_last_copy_id', 'pg_last_copy_count', 'pg_get_late_binding_view_cols', 'json_parse', 'json_serialize', 'is_valid_json',
  'json_extract_path_text',
]);

/** Redshift date-part abbreviations that PostgreSQL's date_part does not know. */
const DATE_PARTS: Record<string, string> = {
  y: 'year', yr: 'year', yrs: 'year', years: 'year', yy: 'year', yyyy: 'year',
  qtr: 'quarter', qtrs: 'quarter', quarters: 'quarter', q: 'quarter',
  mon: 'month', mons: 'month', months: 'month', mm: 'month',
  w: 'week', weeks: 'week', wk: 'week',
  d: 'day', days: 'day', dd: 'day', dayofweek: 'dow', dw: 'dow', weekday: 'dow', dayofyear: 'doy', dy: 'doy', yd: 'doy',
  h: 'hour', hr: 'hour', hrs: 'hour', hours: 'hour', hh: 'hour',
  m: 'minute', min: 'minute', mins: 'minute', minutes: 'minute', mi: 'minute',
  s: 'second', sec: 'second', secs: 'second', seconds: 'second', ss: 'second',
  ms: 'milliseconds', msec: 'milliseconds', msecs: 'milliseconds', millisecond: 'milliseconds', msecond: 'milliseconds',
  us: 'microseconds', usec: 'microseconds', usecs: 'microseconds', microsecond: 'microseconds', usecond: 'microseconds',
  c: 'century', cent: 'century', centuries: 'century', dec: 'decade', decades: 'decade', mil: 'millennium', mils: 'millennium',
};

export function normalizeDatePart(part: string): string {
  const lower = part.toLowerCase();
  return DATE_PARTS[lower] ?? lower;
}

interface Call {
  name: string;
  nameIndex: number;
  open: number;
  close: number;
  args: Array<[number, number]>;
}

function wrapArgs(call: Call, rewrite: RewriteRange, parts: string[], at: number): SqlBuilder {
  // parts interleave literal SQL and argument indexes written as `#n`.
  const out = new SqlBuilder();
  for (const part of parts) {
    const match = /^#(\d+)$/.exec(part);
    if (match) {
      const [from, to] = call.args[Number(match[1])]!;
      out.text('(', at).append(rewrite(from, to)).text(')', at);
    } else {
      out.text(part, at);
    }
  }
  return out;
}

function datePartArg(tokens: readonly Token[], call: Call): string | undefined {
  const [from, to] = call.args[0] ?? [0, 0];
  const first = nextSig(tokens, from, to);
  if (first >= to || nextSig(tokens, first + 1, to) < to) return undefined;
  const token = tokens[first]!;
  if (token.kind === 'word' || token.kind === 'qident') return normalizeDatePart(token.text.replace(/"/g, ''));
  if (token.kind === 'string') return normalizeDatePart(stringValue(token));
  return undefined;
}

function restArgs(call: Call, rewrite: RewriteRange, from: number, at: number): SqlBuilder {
  const out = new SqlBuilder();
  call.args.slice(from).forEach(([start, end]) => out.text(', ', at).append(rewrite(start, end)));
  return out;
}

function rewriteListagg(tokens: readonly Token[], call: Call, rewrite: RewriteRange, at: number): { out: SqlBuilder; next: number } {
  const out = new SqlBuilder().text('string_agg(', at);
  const [valueFrom, valueTo] = call.args[0]!;
  let from = nextSig(tokens, valueFrom, valueTo);
  if (isWord(tokens[from], 'distinct')) {
    out.text('DISTINCT ', at);
    from = nextSig(tokens, from + 1, valueTo);
  }
  out.text('(', at).append(rewrite(from, valueTo)).text(')::varchar, ', at);
  if (call.args[1]) out.append(rewrite(...call.args[1])).text('::varchar', at);
  else out.text("''", at);
  let next = call.close + 1;
  const within = nextSig(tokens, next);
  const group = nextSig(tokens, within + 1);
  const open = nextSig(tokens, group + 1);
  if (isWord(tokens[within], 'within') && isWord(tokens[group], 'group') && isPunct(tokens[open], '(')) {
    const close = matchParen(tokens, open);
    out.text(' ', at).append(rewrite(open + 1, close));
    next = close + 1;
  }
  return { out: out.text(')', at), next };
}

/**
 * Rewrites a Redshift function call PostgreSQL lacks, at tokens[nameIndex] (a word followed by `(`).
 * Returns undefined when the call needs no rewrite.
 */
export function rewriteFunctionCall(
  tokens: readonly Token[],
  nameIndex: number,
  open: number,
  rewrite: RewriteRange,
): { out: SqlBuilder; next: number } | undefined {
  const name = tokens[nameIndex]!.text.toLowerCase();
  const at = tokens[nameIndex]!.start;
  const close = matchParen(tokens, open);
  const empty = nextSig(tokens, open + 1) === close;
  // Argument ranges start at their first significant token, so rebuilt calls read naturally.
  const args = empty ? [] : splitTopLevel(tokens, open + 1, close).map(([from, to]): [number, number] => [nextSig(tokens, from, to), to]);
  const call: Call = { name, nameIndex, open, close, args };
  const done = (out: SqlBuilder) => ({ out, next: close + 1 });

  switch (name) {
    case 'nvl':
      return done(new SqlBuilder().text('coalesce(', at).append(rewrite(open + 1, close)).text(')', at));
    case 'nvl2':
      if (call.args.length !== 3) return undefined;
      return done(wrapArgs(call, rewrite, ['(CASE WHEN ', '#0', ' IS NOT NULL THEN ', '#1', ' ELSE ', '#2', ' END)'], at));
    case 'decode': {
      // PostgreSQL's own decode(text, format) has two arguments; Redshift's DECODE is a CASE with three or more.
      if (call.args.length < 3) return undefined;
      const parts = ['(CASE'];
      for (let i = 1; i + 1 < call.args.length; i += 2) parts.push(' WHEN ', '#0', ' IS NOT DISTINCT FROM ', `#${i}`, ' THEN ', `#${i + 1}`);
      if (call.args.length % 2 === 0) parts.push(' ELSE ', `#${call.args.length - 1}`);
      parts.push(' END)');
      return done(wrapArgs(call, rewrite, parts, at));
    }
    case 'median':
      if (call.args.length !== 1) return undefined;
      return done(wrapArgs(call, rewrite, ['percentile_cont(0.5) WITHIN GROUP (ORDER BY ', '#0', ')'], at));
    case 'listagg':
      if (call.args.length < 1 || call.args.length > 2) return undefined;
      return rewriteListagg(tokens, call, rewrite, at);
    case 'date_part':
    case 'datepart':
    case 'dateadd':
    case 'datediff':
    case 'date_trunc': {
      const part = datePartArg(tokens, call);
      if (part === undefined) return undefined;
      const fn = name === 'datepart' ? 'date_part' : COMPAT_FUNCTIONS.has(name) ? `rs_compat.${name}` : name;
      return done(new SqlBuilder().text(`${fn}(${quoteLiteral(part)}`, at).append(restArgs(call, rewrite, 1, at)).text(')', at));
    }
    default:
      if (!COMPAT_FUNCTIONS.has(name)) return undefined;
      return done(new SqlBuilder().text(`rs_compat.${name}(`, at).append(rewrite(open + 1, close)).text(')', at));
  }
}
