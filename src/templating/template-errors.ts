import { SqlkitError, type ErrorCode, type SourceLocation } from '../errors/index.js';
import { didYouMean } from '../util/suggest.js';
import { lineAt, lineOfWord, positionOf } from '../util/text.js';

interface NunjucksError extends Error {
  lineno?: number;
  colno?: number;
  cause?: unknown;
  sqlkitMacro?: { name: string; file: string; text: string };
}

const MESSAGE_PREFIX = /^\([^)]*\)(?: \[Line \d+(?:, Column \d+)?\])?\n\s*/;

/**
 * Maps a nunjucks error to a SqlkitError with file:line:col. Parse errors carry 1-based lines; errors raised while
 * rendering carry the 0-based line of the generated code (checked against nunjucks 3.2.4 in template-errors tests).
 */
export function toTemplateError(error: unknown, file: string, text: string, phase: 'parse' | 'render', callable: readonly string[] = []): SqlkitError {
  const err = error as NunjucksError;
  const cause = err?.cause;
  const message = cleanMessage(err?.message ?? String(error));
  // nunjucks' runtime.ensureDefined (an undefined value in {{ }}) raises its error with 1-based numbers already,
  // and inside a macro those numbers are the macro file's, not the caller's.
  const oneBased = phase === 'parse' || UNDEFINED_OUTPUT.test(message);
  const rawLine = err?.lineno;
  const line = rawLine === undefined ? undefined : oneBased ? rawLine : rawLine + 1;
  const column = err?.colno === undefined ? undefined : oneBased ? err.colno : err.colno + 1;
  let location: SourceLocation = line === undefined ? { file } : { file, line, column, snippet: lineAt(text, line) };
  if (line === undefined && phase === 'parse') {
    // Errors at the end of the file (an unclosed {{, {% if %} or comment) come without a line: point at the opener.
    const opener = unclosedOpener(text);
    if (opener !== undefined) {
      const position = positionOf(text, opener);
      location = { file, ...position, snippet: lineAt(text, position.line) };
    }
  }

  const macro = err?.sqlkitMacro ?? (cause as NunjucksError | undefined)?.sqlkitMacro;
  if (error instanceof SqlkitError) return error.location ? error : error.withLocation(location);
  if (cause instanceof SqlkitError) {
    return cause.location ? cause : cause.withLocation(location);
  }
  if (phase === 'parse') {
    return new SqlkitError('TEMPLATE_SYNTAX', `Template syntax error in ${file}: ${message}.`, {
      location,
      hint: syntaxHint(message),
    });
  }
  const code: ErrorCode = /Unable to call `([^`]+)`/.test(message) ? 'TEMPLATE_UNKNOWN_MACRO' : 'TEMPLATE_RENDER';
  const name = /Unable to call `([^`]+)`/.exec(message)?.[1];
  if (macro) {
    if (UNDEFINED_OUTPUT.test(message) && line !== undefined) {
      return new SqlkitError(code, `Error in macro '${macro.name}' (${macro.file}), called from ${file}: ${message}.`, {
        location: { file: macro.file, line, ...(column ? { column } : {}), snippet: lineAt(macro.text, line) },
        related: [{ file }],
        hint: renderHint(message, lineAt(macro.text, line), column),
      });
    }
    const macroLine = name ? lineOfWord(macro.text, name) : undefined;
    return new SqlkitError(code, `Error in macro '${macro.name}' (${macro.file}), called from ${file}: ${message}.`, {
      location: macroLine ? { file: macro.file, line: macroLine, snippet: lineAt(macro.text, macroLine) } : { file: macro.file },
      related: [location],
      hint: name ? `'${name}' is not a macro, function or variable here; check the spelling or define it in macros/.` : undefined,
    });
  }
  return new SqlkitError(code, `Template error in ${file}: ${message}.`, {
    location,
    hint: name
      ? `${didYouMean(name, callable) ?? ''} '${name}' is not a macro or function. Macros live in macros/*.sql; built-ins are ref, source, config, var, env_var, is_incremental, run_query, execute, this.`.trim()
      : renderHint(message, location.snippet, location.column),
  });
}

const UNDEFINED_OUTPUT = /attempted to output null or undefined value/;

function cleanMessage(message: string): string {
  return message.replace(MESSAGE_PREFIX, '').replace(/^Error: /, '').replace(/\.$/, '').trim();
}

function syntaxHint(message: string): string {
  if (/expected (block end|variable end)/.test(message)) return "Close the tag: '{{ ... }}' or '{% ... %}'.";
  if (/unknown block tag/.test(message)) return 'Known tags: if, for, set, macro, call, filter, raw; end each with end<tag>.';
  if (/unexpected end of file/.test(message)) return "A block is not closed: add the matching '{% end... %}'.";
  return 'Check the {{ }} and {% %} tags on this line.';
}

function renderHint(message: string, snippet?: string, column?: number): string {
  if (UNDEFINED_OUTPUT.test(message)) {
    const expression = column && snippet ? /^\{\{-?\s*(.*?)\s*-?\}\}/.exec(snippet.slice(column - 1))?.[1] : undefined;
    const what = expression ? `'${expression}' is` : 'A variable used here is';
    return `${what} not defined; check its spelling or pass it with var().`;
  }
  return 'Fix the template expression on this line.';
}

const BLOCK_TAGS = new Set(['if', 'for', 'macro', 'call', 'filter', 'raw', 'block']);

/** Offset of the tag left open at the end of `text`: an unclosed {{ / {# / {%, or a block tag without its end tag. */
function unclosedOpener(text: string): number | undefined {
  const stack: { tag: string; offset: number }[] = [];
  const opener = /\{\{|\{#|\{%-?\s*(\w*)/g;
  for (let match = opener.exec(text); match; match = opener.exec(text)) {
    const close = match[0] === '{{' ? '}}' : match[0] === '{#' ? '#}' : '%}';
    const end = text.indexOf(close, match.index + 2);
    if (end === -1) return match.index;
    const tag = match[1] ?? '';
    const body = text.slice(match.index, end);
    if (BLOCK_TAGS.has(tag) || (tag === 'set' && !body.includes('='))) stack.push({ tag, offset: match.index });
    else if (tag.startsWith('end') && stack.at(-1)?.tag === tag.slice(3)) stack.pop();
    opener.lastIndex = end + close.length;
  }
  return stack.at(-1)?.offset;
}
