import { SqlkitError, type ErrorCode } from '../errors/index.js';
import { lineAt } from '../util/text.js';

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
export function toTemplateError(error: unknown, file: string, text: string, phase: 'parse' | 'render'): SqlkitError {
  const err = error as NunjucksError;
  const cause = err?.cause;
  const rawLine = err?.lineno;
  const line = rawLine === undefined ? undefined : phase === 'parse' ? rawLine : rawLine + 1;
  const column = err?.colno === undefined ? undefined : phase === 'parse' ? err.colno : err.colno + 1;
  const location = line === undefined ? { file } : { file, line, column, snippet: lineAt(text, line) };

  const macro = err?.sqlkitMacro ?? (cause as NunjucksError | undefined)?.sqlkitMacro;
  if (cause instanceof SqlkitError) {
    return cause.location ? cause : cause.withLocation(location);
  }
  const message = cleanMessage(err?.message ?? String(error));
  if (phase === 'parse') {
    return new SqlkitError('TEMPLATE_SYNTAX', `Template syntax error in ${file}: ${message}.`, {
      location,
      hint: syntaxHint(message),
    });
  }
  const code: ErrorCode = /Unable to call `([^`]+)`/.test(message) ? 'TEMPLATE_UNKNOWN_MACRO' : 'TEMPLATE_RENDER';
  const name = /Unable to call `([^`]+)`/.exec(message)?.[1];
  if (macro) {
    const macroLine = name ? findLine(macro.text, name) : undefined;
    return new SqlkitError(code, `Error in macro '${macro.name}' (${macro.file}), called from ${file}: ${message}.`, {
      location: macroLine ? { file: macro.file, line: macroLine, snippet: lineAt(macro.text, macroLine) } : { file: macro.file },
      related: [location],
      hint: name ? `'${name}' is not a macro, function or variable here; check the spelling or define it in macros/.` : undefined,
    });
  }
  return new SqlkitError(code, `Template error in ${file}: ${message}.`, {
    location,
    hint: name
      ? `'${name}' is not a macro or function. Macros live in macros/*.sql; built-ins are ref, source, config, var, env_var, is_incremental, this.`
      : renderHint(message),
  });
}

function cleanMessage(message: string): string {
  return message.replace(MESSAGE_PREFIX, '').replace(/^Error: /, '').replace(/\.$/, '').trim();
}

function syntaxHint(message: string): string {
  if (/expected (block end|variable end)/.test(message)) return "Close the tag: '{{ ... }}' or '{% ... %}'.";
  if (/unknown block tag/.test(message)) return 'Known tags: if, for, set, macro, call, filter, raw; end each with end<tag>.';
  if (/unexpected end of file/.test(message)) return "A block is not closed: add the matching '{% end... %}'.";
  return 'Check the {{ }} and {% %} tags on this line.';
}

function renderHint(message: string): string {
  if (/null or undefined value/.test(message)) return 'A variable used here is not defined; check its spelling or pass it with var().';
  return 'Fix the template expression on this line.';
}

function findLine(text: string, word: string): number | undefined {
  const index = text.search(new RegExp(`\\b${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`));
  if (index === -1) return undefined;
  return text.slice(0, index).split('\n').length;
}
