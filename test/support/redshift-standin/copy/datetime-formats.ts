/** Date and time parsing for COPY's DATEFORMAT / TIMEFORMAT, producing text PostgreSQL reads unambiguously. */

export interface ParsedDateTime {
  date: string;
  time?: string;
  zone?: string;
}

const LOOSE = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const STRICT_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?)?()()?$/;
const STRICT_TIMESTAMPTZ = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

const pad = (value: string | number, width = 2) => String(value).padStart(width, '0');

function validDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function build(groups: { year: string; month: string; day: string; hour?: string; minute?: string; second?: string; fraction?: string; zone?: string; pm?: boolean; hour12?: boolean }): ParsedDateTime | undefined {
  const year = Number(groups.year.length === 2 ? `20${groups.year}` : groups.year);
  const month = Number(groups.month);
  const day = Number(groups.day);
  if (!validDate(year, month, day)) return undefined;
  const result: ParsedDateTime = { date: `${pad(year, 4)}-${pad(month)}-${pad(day)}` };
  if (groups.hour !== undefined && groups.hour !== '') {
    let hour = Number(groups.hour);
    if (groups.hour12) hour = (hour % 12) + (groups.pm ? 12 : 0);
    const minute = Number(groups.minute ?? 0);
    const second = Number(groups.second || 0);
    if (hour > 23 || minute > 59 || second > 59) return undefined;
    result.time = `${pad(hour)}:${pad(minute)}:${pad(second)}${groups.fraction ?? ''}`;
  }
  if (groups.zone) result.zone = groups.zone.toUpperCase() === 'Z' ? '+00' : groups.zone;
  return result;
}

function fromMatch(match: RegExpExecArray | null): ParsedDateTime | undefined {
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  return build({ year: year!, month: month!, day: day!, hour, minute, second, fraction, zone });
}

const FORMAT_TOKENS: Array<[string, string, string]> = [
  ['YYYY', '(?<year>\\d{4})', ''],
  ['YY', '(?<year>\\d{2})', ''],
  ['MON', '(?<mon>[A-Za-z]{3})', ''],
  ['MM', '(?<month>\\d{1,2})', ''],
  ['DD', '(?<day>\\d{1,2})', ''],
  ['HH24', '(?<hour>\\d{1,2})', ''],
  ['HH12', '(?<hour>\\d{1,2})', 'h12'],
  ['HH', '(?<hour>\\d{1,2})', ''],
  ['MI', '(?<minute>\\d{2})', ''],
  ['SS', '(?<second>\\d{2})(?<fraction>\\.\\d{1,6})?', ''],
  ['AM', '(?<ampm>[AaPp][Mm])', 'h12'],
  ['PM', '(?<ampm>[AaPp][Mm])', 'h12'],
];

/** Turns a Redshift format string (YYYY-MM-DD HH24:MI:SS, MM/DD/YYYY, …) into a parser. */
function formatParser(format: string): (text: string) => ParsedDateTime | undefined {
  let pattern = '';
  let hour12 = false;
  let rest = format;
  while (rest.length > 0) {
    const token = FORMAT_TOKENS.find(([name]) => rest.toUpperCase().startsWith(name));
    if (token) {
      pattern += token[1];
      hour12 ||= token[2] === 'h12';
      rest = rest.slice(token[0].length);
      // A fraction written as SS.SSS is covered by the SS group.
      const fraction = /^\.S+/i.exec(rest);
      if (token[0] === 'SS' && fraction) rest = rest.slice(fraction[0].length);
    } else {
      pattern += rest[0]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      rest = rest.slice(1);
    }
  }
  const regex = new RegExp(`^${pattern}$`);
  return (text) => {
    const groups = regex.exec(text.trim())?.groups;
    if (!groups) return undefined;
    const month = groups.mon ? String(MONTHS.indexOf(groups.mon.toLowerCase()) + 1) : groups.month;
    if (!groups.year || !month || month === '0' || !groups.day) return undefined;
    return build({
      year: groups.year,
      month,
      day: groups.day,
      ...(groups.hour === undefined ? {} : { hour: groups.hour }),
      ...(groups.minute === undefined ? {} : { minute: groups.minute }),
      ...(groups.second === undefined ? {} : { second: groups.second }),
      ...(groups.fraction === undefined ? {} : { fraction: groups.fraction }),
      pm: groups.ampm?.toLowerCase() === 'pm',
      hour12,
    });
  };
}

const parsers = new Map<string, (text: string) => ParsedDateTime | undefined>();

/** Parses a date or timestamp under a DATEFORMAT/TIMEFORMAT (undefined format = Redshift's default). */
export function parseDateTime(text: string, format: string | undefined, withZone: boolean): ParsedDateTime | undefined {
  if (format === 'auto') return fromMatch(LOOSE.exec(text.trim()));
  if (format === undefined || format === 'YYYY-MM-DD HH:MI:SS' || format === 'YYYY-MM-DD') {
    return fromMatch((withZone ? STRICT_TIMESTAMPTZ : STRICT_TIMESTAMP).exec(text.trim()));
  }
  let parser = parsers.get(format);
  if (!parser) parsers.set(format, (parser = formatParser(format)));
  return parser(text);
}

/** Seconds or milliseconds since 1970-01-01 UTC (TIMEFORMAT 'epochsecs' / 'epochmillisecs') as a timestamp. */
export function parseEpoch(text: string, unit: 'epochsecs' | 'epochmillisecs'): ParsedDateTime | undefined {
  const match = /^\s*(-?)(\d+)(?:\.(\d*))?\s*$/.exec(text);
  if (!match) return undefined;
  const fractionDigits = unit === 'epochsecs' ? 6 : 3;
  const perUnit = unit === 'epochsecs' ? 1_000_000n : 1_000n;
  let micros = BigInt(match[2]!) * perUnit + BigInt((match[3] ?? '').padEnd(fractionDigits, '0').slice(0, fractionDigits));
  if (match[1] === '-') micros = -micros;
  let millis = micros / 1000n;
  let rest = micros % 1000n;
  if (rest < 0n) {
    rest += 1000n;
    millis -= 1n;
  }
  const date = new Date(Number(millis));
  if (Number.isNaN(date.getTime())) return undefined;
  const iso = date.toISOString();
  const fraction = `${iso.slice(20, 23)}${pad(Number(rest), 3)}`.replace(/0+$/, '');
  return { date: iso.slice(0, 10), time: `${iso.slice(11, 19)}${fraction ? `.${fraction}` : ''}`, zone: '+00' };
}

export function formatDateTime(value: ParsedDateTime, kind: 'date' | 'timestamp' | 'timestamptz'): string {
  if (kind === 'date') return value.date;
  const time = value.time ?? '00:00:00';
  return kind === 'timestamptz' ? `${value.date} ${time}${value.zone ?? '+00'}` : `${value.date} ${time}`;
}
