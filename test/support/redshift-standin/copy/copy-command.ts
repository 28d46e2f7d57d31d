import { readColumnList, syntaxErrorAt } from '../sql/attribute-syntax.js';
import { SqlError } from '../sql/sql-error.js';
import type { RelationName } from '../sql/statement-plan.js';
import type { Token } from '../sql/tokenizer.js';
import { identName, isPunct, isWord, nextSig, readQualifiedName, stringValue, toRelation } from '../sql/tokens.js';

export type JsonMapping = { mode: 'auto' } | { mode: 'auto ignorecase' } | { mode: 'noshred' } | { mode: 'jsonpaths'; uri: string };

export interface CopyCommand {
  table: RelationName;
  columns: string[] | null;
  source: string;
  json: JsonMapping;
  timeformat: string | undefined;
  dateformat: string | undefined;
  maxerror: number;
  emptyAsNull: boolean;
  blanksAsNull: boolean;
  truncateColumns: boolean;
  acceptInvChars: string | undefined;
  roundec: boolean;
  gzip: boolean;
  manifest: boolean;
  explicitIds: boolean;
  statupdate: boolean;
  hasCredentials: boolean;
  /** Offset of the COPY keyword, for error positions. */
  at: number;
}

/** Options Redshift refuses together with FORMAT JSON. */
const NOT_WITH_JSON = new Set(['csv', 'delimiter', 'escape', 'fillrecord', 'fixedwidth', 'ignoreblanklines', 'null', 'readratio', 'removequotes']);
const FLAGS = new Set([
  'emptyasnull', 'blanksasnull', 'truncatecolumns', 'roundec', 'gzip', 'manifest', 'explicit_ids', 'acceptanydate', 'trimblanks', 'noload',
  'bzip2', 'lzop', 'zstd', 'ignoreallerrors',
]);

class OptionReader {
  constructor(
    private readonly tokens: readonly Token[],
    public i: number,
  ) {}

  get token(): Token | undefined {
    return this.tokens[this.i];
  }

  advance(): Token | undefined {
    const token = this.tokens[this.i];
    this.i = nextSig(this.tokens, this.i + 1);
    return token;
  }

  skipAs(): void {
    if (isWord(this.token, 'as')) this.advance();
  }

  string(): string {
    this.skipAs();
    const token = this.advance();
    if (token?.kind !== 'string') throw syntaxErrorAt(token);
    return stringValue(token);
  }

  optionalString(): string | undefined {
    this.skipAs();
    return this.token?.kind === 'string' ? stringValue(this.advance()!) : undefined;
  }

  integer(): number {
    this.skipAs();
    const token = this.advance();
    if (token?.kind !== 'number' || !/^\d+$/.test(token.text)) throw syntaxErrorAt(token);
    return Number(token.text);
  }
}

/** Parses `COPY table [(cols)] FROM 's3://…' options…` (the JSON subset the stand-in loads). */
export function parseCopyCommand(tokens: readonly Token[]): CopyCommand {
  const copy = nextSig(tokens, 0);
  const at = tokens[copy]!.start;
  const name = readQualifiedName(tokens, nextSig(tokens, copy + 1));
  if (!name) throw syntaxErrorAt(tokens[nextSig(tokens, copy + 1)]);
  let i = nextSig(tokens, name.end);
  let columns: string[] | null = null;
  if (isPunct(tokens[i], '(')) {
    const list = readColumnList(tokens, i);
    columns = list.columns;
    i = nextSig(tokens, list.end);
  }
  if (!isWord(tokens[i], 'from')) throw syntaxErrorAt(tokens[i]);
  const reader = new OptionReader(tokens, nextSig(tokens, i + 1));
  const source = reader.string();
  if (!source.startsWith('s3://')) {
    throw new SqlError('LOAD source is not supported. (Hint: only S3 or DynamoDB or EMR based load is allowed)', at);
  }
  const command: CopyCommand = {
    table: toRelation(name),
    columns,
    source,
    json: { mode: 'auto' },
    timeformat: undefined,
    dateformat: undefined,
    maxerror: 0,
    emptyAsNull: false,
    blanksAsNull: false,
    truncateColumns: false,
    acceptInvChars: undefined,
    roundec: false,
    gzip: false,
    manifest: false,
    explicitIds: false,
    statupdate: false,
    hasCredentials: false,
    at,
  };
  let format: string | undefined;
  let accessKey = false;
  let secretKey = false;
  if (isWord(reader.token, 'with')) reader.advance();
  while (reader.i < tokens.length) {
    const token = reader.advance()!;
    const word = token.kind === 'word' ? identName(token) : '';
    if (NOT_WITH_JSON.has(word)) throw new SqlError(`${word.toUpperCase()} is not supported with FORMAT JSON`, token.start);
    if (FLAGS.has(word)) {
      if (word === 'emptyasnull') command.emptyAsNull = true;
      if (word === 'blanksasnull') command.blanksAsNull = true;
      if (word === 'truncatecolumns') command.truncateColumns = true;
      if (word === 'roundec') command.roundec = true;
      if (word === 'gzip') command.gzip = true;
      if (word === 'manifest') command.manifest = true;
      if (word === 'explicit_ids') command.explicitIds = true;
      continue;
    }
    switch (word) {
      case 'iam_role':
        if (isWord(reader.token, 'default')) reader.advance();
        else reader.string();
        command.hasCredentials = true;
        break;
      case 'credentials':
        reader.string();
        command.hasCredentials = true;
        break;
      case 'access_key_id':
        reader.string();
        accessKey = true;
        break;
      case 'secret_access_key':
        reader.string();
        secretKey = true;
        break;
      case 'session_token':
      case 'region':
      case 'encoding':
        if (reader.token?.kind === 'word' && word === 'encoding') reader.advance();
        else reader.string();
        break;
      case 'format':
        reader.skipAs();
        format = reader.token?.kind === 'word' ? identName(reader.advance()!) : undefined;
        if (format === 'json') command.json = readJsonMapping(reader.optionalString(), token);
        break;
      case 'json':
        format = 'json';
        command.json = readJsonMapping(reader.optionalString(), token);
        break;
      case 'avro':
      case 'parquet':
      case 'orc':
        format = word;
        break;
      case 'timeformat':
        command.timeformat = reader.string();
        break;
      case 'dateformat':
        command.dateformat = reader.string();
        break;
      case 'maxerror':
        command.maxerror = reader.integer();
        if (command.maxerror > 100000) throw new SqlError('MAXERROR can not be greater than 100000', token.start);
        break;
      case 'ignoreheader':
        reader.integer();
        break;
      case 'acceptinvchars':
        command.acceptInvChars = reader.optionalString() ?? '?';
        break;
      case 'compupdate':
      case 'statupdate': {
        const value = isWord(reader.token, 'on', 'off', 'true', 'false', 'preset') ? identName(reader.advance()!) : 'on';
        if (word === 'statupdate') command.statupdate = value === 'on' || value === 'true';
        break;
      }
      default:
        throw syntaxErrorAt(token);
    }
  }
  if (accessKey !== secretKey) throw new SqlError('ACCESS_KEY_ID and SECRET_ACCESS_KEY must be given together', at);
  command.hasCredentials ||= accessKey;
  if (format !== 'json') {
    throw new SqlError(`the Redshift stand-in loads only FORMAT AS JSON (got ${format?.toUpperCase() ?? 'the default pipe-delimited text'})`, at);
  }
  if (!command.hasCredentials) {
    throw new SqlError("Missing authorization: COPY needs IAM_ROLE, CREDENTIALS or ACCESS_KEY_ID/SECRET_ACCESS_KEY", at);
  }
  return command;
}

function readJsonMapping(argument: string | undefined, token: Token): JsonMapping {
  if (argument === undefined || argument === 'auto') return { mode: 'auto' };
  if (argument === 'auto ignorecase') return { mode: 'auto ignorecase' };
  if (argument === 'noshred') return { mode: 'noshred' };
  if (argument.startsWith('s3://')) return { mode: 'jsonpaths', uri: argument };
  throw new SqlError(`Invalid JSON argument '${argument}': expected 'auto', 'auto ignorecase', 'noshred' or an s3:// jsonpaths file`, token.start);
}
