import nunjucks from 'nunjucks';

/**
 * A small interpreter for the subset of nunjucks most models and macros use: text, `{{ expression }}`,
 * `{% if %}` / `{% elif %}` / `{% else %}`, `{% set x = ... %}`, `{% macro %}` in macro files, comments and
 * whitespace control; literals, names, attribute and index lookups, calls with keyword arguments and operators.
 * Parsing a template with nunjucks costs ~150 µs (lexer, parser, code generation, `new Function`) and calling a
 * nunjucks macro allocates frames per call; this path costs a few µs, which lets thousands of models compile in
 * well under a second.
 *
 * It reproduces nunjucks 3.2.4 exactly, including its quirks: operators are compiled to JavaScript without
 * parentheses, so what runs is the emitted text under JavaScript precedence (`not a == b` is `!a == b`); errors
 * are raised and positioned as runtime.callWrap / ensureDefined / handleError raise them. Anything else (filters,
 * loops, tests, ternaries, blocks...) makes `compileFast` return undefined and nunjucks is used instead.
 * `test/unit/templating/fast-template.test.ts` renders a corpus and random expressions both ways and compares.
 */

type Expr =
  | { kind: 'literal'; value: unknown }
  | { kind: 'name'; name: string }
  | { kind: 'lookup'; target: Expr; key: Expr }
  | { kind: 'call'; fn: Expr; args: Expr[]; kwargs: [string, Expr][]; line: number; col: number }
  | { kind: 'list'; items: Expr[] }
  | { kind: 'dict'; entries: [string | Expr, Expr][] }
  | { kind: 'in'; left: Expr; right: Expr }
  | { kind: 'unary'; op: '!' | '-' | '+'; operand: Expr }
  | { kind: 'binary'; op: string; left: Expr; right: Expr };

type Node =
  | { kind: 'text'; value: string }
  | { kind: 'output'; expr: Expr; line: number; col: number }
  | { kind: 'if'; branches: { test: Expr; body: Node[] }[]; otherwise: Node[] }
  | { kind: 'set'; name: string; expr: Expr };

interface MacroDefinition {
  name: string;
  params: { name: string; fallback?: Expr }[];
  body: Node[];
}

export interface FastTemplate {
  render(globals: Record<string, unknown>): string;
}

type Lib = { TemplateError: new (message: unknown, lineno?: number, colno?: number) => Error & { lineno?: number } };
const { TemplateError } = (nunjucks as unknown as { lib: Lib }).lib;
const { SafeString } = nunjucks.runtime as unknown as { SafeString: new (value: string) => object };

class Unsupported extends Error {}

export function compileFast(text: string): FastTemplate | undefined {
  try {
    const nodes = new TemplateParser(text).parseTopLevel(false).nodes;
    return {
      render(globals) {
        const scope: Scope = { globals, locals: new Map(), fileScope: undefined, line: 0, col: 0 };
        try {
          return renderNodes(nodes, scope);
        } catch (error) {
          throw handleError(error, scope.line, scope.col);
        }
      },
    };
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

/**
 * The macros a macro file defines, as functions with nunjucks' calling convention (makeMacro), or undefined when
 * the file uses anything beyond the subset. Macros see each other by name, then the globals.
 */
export function compileFastMacros(text: string): Record<string, (...args: unknown[]) => unknown> | undefined {
  let definitions: MacroDefinition[];
  try {
    definitions = new TemplateParser(text).parseTopLevel(true).macros;
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
  const fileScope = new Map<string, unknown>();
  let globals: Record<string, unknown> = {};
  const exported: Record<string, (...args: unknown[]) => unknown> = {};
  for (const definition of definitions) {
    const fn = makeMacro(definition, () => globals, fileScope);
    fileScope.set(definition.name, fn);
    exported[definition.name] = fn;
  }
  Object.defineProperty(exported, BIND_GLOBALS, { value: (g: Record<string, unknown>) => (globals = g), enumerable: false });
  return exported;
}

/** Hands the environment's globals to macros compiled by compileFastMacros (they are created before them). */
export function bindMacroGlobals(macros: Record<string, unknown>, globals: Record<string, unknown>): void {
  (macros as Record<symbol, (g: Record<string, unknown>) => void>)[BIND_GLOBALS]?.(globals);
}

const BIND_GLOBALS = Symbol('bindGlobals');

// ---------------------------------------------------------------------------------------------------------------
// Splitting the template into data and tags

interface Piece {
  kind: 'data' | 'output' | 'block' | 'comment';
  text: string;
  /** Offset of the tag's content, after `{{` or `{{-`. */
  start: number;
  /** Offset of the tag's `{{` / `{%`. */
  tagStart: number;
  trimBefore: boolean;
  trimAfter: boolean;
}

function splitPieces(text: string): Piece[] {
  const pieces: Piece[] = [];
  let i = 0;
  while (i < text.length) {
    const next = findTagStart(text, i);
    if (next === -1) {
      pushData(pieces, text.slice(i), i);
      break;
    }
    if (next > i) pushData(pieces, text.slice(i, next), i);
    const opener = text[next + 1];
    const trimBefore = text[next + 2] === '-';
    const contentStart = next + 2 + (trimBefore ? 1 : 0);
    if (opener === '#') {
      const end = text.indexOf('#}', contentStart);
      if (end === -1) throw new Unsupported();
      pieces.push({ kind: 'comment', text: '', start: contentStart, tagStart: next, trimBefore, trimAfter: text[end - 1] === '-' });
      i = end + 2;
      continue;
    }
    const end = findTagEnd(text, contentStart, opener === '{' ? '}}' : '%}');
    const trimAfter = text[end - 1] === '-';
    pieces.push({ kind: opener === '{' ? 'output' : 'block', text: text.slice(contentStart, trimAfter ? end - 1 : end), start: contentStart, tagStart: next, trimBefore, trimAfter });
    i = end + 2;
  }
  // Whitespace control: "-" on a tag trims the whitespace of the data right next to it (parser.js parseNodes).
  for (let k = 0; k < pieces.length; k++) {
    const piece = pieces[k]!;
    if (piece.kind !== 'data') continue;
    if (pieces[k - 1]?.trimAfter) piece.text = piece.text.replace(/^\s*/, '');
    if (pieces[k + 1]?.trimBefore) piece.text = piece.text.replace(/\s*$/, '');
  }
  return pieces;
}

function pushData(pieces: Piece[], data: string, start: number): void {
  // nunjucks rejects a stray "#}" in template text; let it report that.
  if (data.includes('#}')) throw new Unsupported();
  pieces.push({ kind: 'data', text: data, start, tagStart: start, trimBefore: false, trimAfter: false });
}

function findTagStart(text: string, from: number): number {
  for (let i = text.indexOf('{', from); i !== -1; i = text.indexOf('{', i + 1)) {
    const c = text.charCodeAt(i + 1);
    if (c === 123 /* { */ || c === 37 /* % */ || c === 35 /* # */) return i;
  }
  return -1;
}

function findTagEnd(text: string, from: number, closer: string): number {
  let quote = 0;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote) {
      if (c === 92) i++;
      else if (c === quote) quote = 0;
    } else if (c === 34 || c === 39) quote = c;
    else if (c === closer.charCodeAt(0) && text.charCodeAt(i + 1) === closer.charCodeAt(1)) return i;
  }
  throw new Unsupported();
}

// ---------------------------------------------------------------------------------------------------------------
// Tokens inside tags

const enum T {
  String,
  Number,
  Name,
  Op,
  End,
}

interface Token {
  type: T;
  value: string;
  offset: number;
}

const TOKEN = /\s*(?:("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|([0-9]+(?:\.[0-9]+)?)|([A-Za-z_][A-Za-z0-9_]*)|(===|!==|==|!=|<=|>=|\*\*|\/\/|[()[\]{},.:=<>+\-*/%~|]))/y;

function tokenize(source: string, base: number): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  let i = 0;
  for (;;) {
    TOKEN.lastIndex = i;
    const match = TOKEN.exec(source);
    if (!match) {
      if (source.slice(i).trim()) throw new Unsupported();
      break;
    }
    const offset = base + match.index + match[0].length - (match[1] ?? match[2] ?? match[3] ?? match[4])!.length;
    if (match[1] !== undefined) tokens.push({ type: T.String, value: unescape(match[1]), offset });
    else if (match[2] !== undefined) tokens.push({ type: T.Number, value: match[2], offset });
    else if (match[3] !== undefined) tokens.push({ type: T.Name, value: match[3], offset });
    else {
      if (match[4] === '**' || match[4] === '//' || match[4] === '|') throw new Unsupported();
      tokens.push({ type: T.Op, value: match[4]!, offset });
    }
    i = TOKEN.lastIndex;
  }
  tokens.push({ type: T.End, value: '', offset: base + source.length });
  return tokens;
}

/** lexer.js _parseString: \n, \t and \r are escapes; a backslash before anything else keeps that character. */
function unescape(quoted: string): string {
  const body = quoted.slice(1, -1);
  if (!body.includes('\\')) return body;
  return body.replace(/\\(.)/gs, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c));
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing

class TemplateParser {
  private readonly pieces: Piece[];
  private readonly lineStarts: number[];
  private position = 0;

  constructor(private readonly text: string) {
    this.pieces = splitPieces(text);
    this.lineStarts = [0];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  parseTopLevel(macroFile: boolean): { nodes: Node[]; macros: MacroDefinition[] } {
    const macros: MacroDefinition[] = [];
    const { nodes } = this.parseBody([], macroFile ? macros : undefined);
    if (macroFile && nodes.some((n) => n.kind !== 'text')) throw new Unsupported();
    return { nodes, macros };
  }

  /** 0-based line and column of an offset, as nunjucks' lexer counts them. */
  position0(offset: number): { line: number; col: number } {
    const starts = this.lineStarts;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low, col: offset - starts[low]! };
  }

  private parseBody(terminators: readonly string[], macros?: MacroDefinition[]): { nodes: Node[]; end?: string; tokens?: Token[] } {
    const nodes: Node[] = [];
    while (this.position < this.pieces.length) {
      const piece = this.pieces[this.position++]!;
      if (piece.kind === 'data') {
        if (piece.text) nodes.push({ kind: 'text', value: piece.text });
      } else if (piece.kind === 'output') {
        const expr = new ExpressionParser(tokenize(piece.text, piece.start), this).parseWhole();
        // ensureDefined reports the position of the Output node, i.e. of its `{{`.
        nodes.push({ kind: 'output', expr, ...this.position0(piece.tagStart) });
      } else if (piece.kind === 'block') {
        const tokens = tokenize(piece.text, piece.start);
        const keyword = tokens[0]!.type === T.Name ? tokens[0]!.value : undefined;
        if (keyword && terminators.includes(keyword)) return { nodes, end: keyword, tokens };
        if (keyword === 'if') nodes.push(this.parseIf(tokens));
        else if (keyword === 'set') nodes.push(this.parseSet(tokens));
        else if (keyword === 'macro' && macros && terminators.length === 0) macros.push(this.parseMacro(tokens));
        else throw new Unsupported();
      }
    }
    if (terminators.length) throw new Unsupported();
    return { nodes };
  }

  private parseIf(tokens: Token[]): Node {
    const branches: { test: Expr; body: Node[] }[] = [];
    let test = new ExpressionParser(tokens.slice(1), this).parseWhole();
    for (;;) {
      const body = this.parseBody(['elif', 'elseif', 'else', 'endif']);
      branches.push({ test, body: body.nodes });
      if (body.end === 'endif') return { kind: 'if', branches, otherwise: [] };
      if (body.end === 'else') {
        if (body.tokens!.length > 2) throw new Unsupported();
        return { kind: 'if', branches, otherwise: this.parseBody(['endif']).nodes };
      }
      test = new ExpressionParser(body.tokens!.slice(1), this).parseWhole();
    }
  }

  private parseSet(tokens: Token[]): Node {
    const name = tokens[1];
    const equals = tokens[2];
    if (name?.type !== T.Name || equals?.type !== T.Op || equals.value !== '=') throw new Unsupported();
    return { kind: 'set', name: name.value, expr: new ExpressionParser(tokens.slice(3), this).parseWhole() };
  }

  private parseMacro(tokens: Token[]): MacroDefinition {
    const name = tokens[1];
    if (name?.type !== T.Name || tokens[2]?.value !== '(') throw new Unsupported();
    const params: MacroDefinition['params'] = [];
    let i = 3;
    while (tokens[i]?.value !== ')') {
      const param = tokens[i++];
      if (param?.type !== T.Name) throw new Unsupported();
      if (tokens[i]?.value === '=') {
        const start = ++i;
        let depth = 0;
        while (i < tokens.length - 1 && !(depth === 0 && (tokens[i]!.value === ',' || tokens[i]!.value === ')'))) {
          if (['(', '[', '{'].includes(tokens[i]!.value) && tokens[i]!.type === T.Op) depth++;
          if ([')', ']', '}'].includes(tokens[i]!.value) && tokens[i]!.type === T.Op) depth--;
          i++;
        }
        const fallback = new ExpressionParser([...tokens.slice(start, i), { type: T.End, value: '', offset: tokens[i]!.offset }], this).parseWhole();
        params.push({ name: param.value, fallback });
      } else {
        if (params.some((p) => p.fallback)) throw new Unsupported();
        params.push({ name: param.value });
      }
      if (tokens[i]?.value === ',') i++;
      else if (tokens[i]?.value !== ')') throw new Unsupported();
    }
    if (tokens[i + 1]?.type !== T.End) throw new Unsupported();
    const body = this.parseBody(['endmacro']);
    return { name: name.value, params, body: body.nodes };
  }
}

/**
 * Parses an expression into the flat sequence nunjucks would emit as JavaScript, then re-associates it with
 * JavaScript's precedence. Only `in` (emitted as runtime.inOperator(left, right)) keeps nunjucks' grouping:
 * its operands are everything up to the nearest `and`, `or` or `not` (parser.js parseIn / parseCompare).
 */
class ExpressionParser {
  private index = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly template: TemplateParser,
  ) {}

  parseWhole(): Expr {
    const expr = this.parseOr();
    if (this.peek().type !== T.End) throw new Unsupported();
    return expr;
  }

  private peek(): Token {
    return this.tokens[this.index]!;
  }

  private isName(value: string): boolean {
    const t = this.peek();
    return t.type === T.Name && t.value === value;
  }

  private isOp(value: string): boolean {
    const t = this.peek();
    return t.type === T.Op && t.value === value;
  }

  private expectOp(value: string): void {
    if (!this.isOp(value)) throw new Unsupported();
    this.index++;
  }

  private parseOr(): Expr {
    const flat: Flat[] = [];
    this.parseAndInto(flat);
    while (this.isName('or')) {
      this.index++;
      flat.push({ infix: '||' });
      this.parseAndInto(flat);
    }
    return associate(flat);
  }

  private parseAndInto(flat: Flat[]): void {
    this.parseNotInto(flat);
    while (this.isName('and')) {
      this.index++;
      flat.push({ infix: '&&' });
      this.parseNotInto(flat);
    }
  }

  private parseNotInto(flat: Flat[]): void {
    while (this.isName('not')) {
      this.index++;
      flat.push({ prefix: '!' });
    }
    if (this.isName('in')) throw new Unsupported();
    let left = this.parseArithmetic();
    while (this.isName('in')) {
      this.index++;
      left = [{ operand: { kind: 'in', left: associate(left), right: associate(this.parseArithmetic()) } }];
    }
    flat.push(...left);
  }

  /** Comparisons, ~, + - * / %: all emitted flat by nunjucks, so parsed flat here. */
  private parseArithmetic(): Flat[] {
    const flat: Flat[] = [];
    for (;;) {
      this.parseUnaryInto(flat);
      const t = this.peek();
      if (t.type !== T.Op || !(t.value in JS_PRECEDENCE) ) {
        if (this.isName('if') || this.isName('is')) throw new Unsupported();
        return flat;
      }
      this.index++;
      if (t.value === '~') flat.push({ infix: '+' }, { operand: { kind: 'literal', value: '' } }, { infix: '+' });
      else flat.push({ infix: t.value });
    }
  }

  private parseUnaryInto(flat: Flat[]): void {
    let previous: string | undefined;
    while (this.isOp('-') || this.isOp('+')) {
      const op = this.tokens[this.index++]!.value as '-' | '+';
      // `- -x` would be emitted as `--x`, a JavaScript syntax error in nunjucks; not worth mirroring.
      if (op === previous) throw new Unsupported();
      previous = op;
      flat.push({ prefix: op });
    }
    flat.push({ operand: this.parsePostfix(this.parsePrimary()) });
  }

  private parsePrimary(): Expr {
    const t = this.tokens[this.index++]!;
    if (t.type === T.String) return { kind: 'literal', value: t.value };
    if (t.type === T.Number) return { kind: 'literal', value: t.value.includes('.') ? parseFloat(t.value) : parseInt(t.value, 10) };
    if (t.type === T.Name) {
      switch (t.value) {
        case 'true':
        case 'True':
          return { kind: 'literal', value: true };
        case 'false':
        case 'False':
          return { kind: 'literal', value: false };
        case 'none':
        case 'None':
        case 'null':
          return { kind: 'literal', value: null };
        case 'and':
        case 'or':
        case 'not':
        case 'in':
        case 'is':
        case 'if':
        case 'else':
          throw new Unsupported();
        default:
          return { kind: 'name', name: t.value };
      }
    }
    if (t.type === T.Op && t.value === '(') {
      const inner = this.parseOr();
      // A comma makes a tuple in nunjucks: not supported here.
      this.expectOp(')');
      return inner;
    }
    if (t.type === T.Op && t.value === '[') {
      const items: Expr[] = [];
      while (!this.isOp(']')) {
        items.push(this.parseOr());
        if (!this.isOp(']')) this.expectOp(',');
      }
      this.index++;
      return { kind: 'list', items };
    }
    if (t.type === T.Op && t.value === '{') {
      const entries: [string | Expr, Expr][] = [];
      while (!this.isOp('}')) {
        const key = this.parsePrimary();
        // compiler.js compilePair: a bare name is the key itself; other keys must be strings.
        if (key.kind !== 'name' && !(key.kind === 'literal' && typeof key.value === 'string')) throw new Unsupported();
        this.expectOp(':');
        entries.push([key.kind === 'name' ? key.name : key, this.parseOr()]);
        if (!this.isOp('}')) this.expectOp(',');
      }
      this.index++;
      return { kind: 'dict', entries };
    }
    throw new Unsupported();
  }

  private parsePostfix(start: Expr): Expr {
    let node = start;
    for (;;) {
      if (this.isOp('(')) {
        const paren = this.tokens[this.index++]!;
        const args: Expr[] = [];
        const kwargs: [string, Expr][] = [];
        while (!this.isOp(')')) {
          const arg = this.parseOr();
          if (this.isOp('=')) {
            this.index++;
            if (arg.kind !== 'name') throw new Unsupported();
            kwargs.push([arg.name, this.parseOr()]);
          } else {
            if (kwargs.length) throw new Unsupported();
            args.push(arg);
          }
          if (!this.isOp(')')) this.expectOp(',');
        }
        this.index++;
        // callWrap runs with lineno/colno of the FunCall node: its "(" token.
        node = { kind: 'call', fn: node, args, kwargs, ...this.template.position0(paren.offset) };
      } else if (this.isOp('[')) {
        this.index++;
        const key = this.parseOr();
        this.expectOp(']');
        node = { kind: 'lookup', target: node, key };
      } else if (this.isOp('.')) {
        this.index++;
        const name = this.tokens[this.index++]!;
        if (name.type !== T.Name) throw new Unsupported();
        node = { kind: 'lookup', target: node, key: { kind: 'literal', value: name.value } };
      } else return node;
    }
  }
}

type Flat = { operand: Expr } | { prefix: '!' | '-' | '+' } | { infix: string };

const JS_PRECEDENCE: Record<string, number> = {
  '||': 4,
  '&&': 5,
  '==': 9, '!=': 9, '===': 9, '!==': 9,
  '<': 10, '>': 10, '<=': 10, '>=': 10,
  '~': 12, '+': 12, '-': 12,
  '*': 13, '/': 13, '%': 13,
};

/** Precedence climbing over the emitted sequence; prefixes bind tightest, as in JavaScript. */
function associate(flat: Flat[]): Expr {
  let index = 0;
  const unary = (): Expr => {
    const item = flat[index++]!;
    if ('prefix' in item) return { kind: 'unary', op: item.prefix, operand: unary() };
    if ('operand' in item) return item.operand;
    throw new Unsupported();
  };
  const climb = (min: number): Expr => {
    let left = unary();
    for (;;) {
      const item = flat[index];
      if (!item || !('infix' in item)) return left;
      const precedence = JS_PRECEDENCE[item.infix]!;
      if (precedence < min) return left;
      index++;
      left = { kind: 'binary', op: item.infix, left, right: climb(precedence + 1) };
    }
  };
  const expr = climb(0);
  if (index !== flat.length) throw new Unsupported();
  return expr;
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering

/**
 * Evaluation state. `line`/`col` mirror the `lineno`/`colno` variables of nunjucks' generated code: set by each
 * call before its callee and arguments are evaluated, never reset, and used for whatever error ends the render.
 */
interface Scope {
  globals: Record<string, unknown>;
  locals: Map<string, unknown>;
  /** In a macro: the macros of its file, looked up before the globals (the file's context). */
  fileScope: Map<string, unknown> | undefined;
  line: number;
  col: number;
}

const CALL_CONTEXT = {};

function renderNodes(nodes: Node[], scope: Scope): string {
  let out = '';
  for (const node of nodes) {
    switch (node.kind) {
      case 'text':
        out += node.value;
        break;
      case 'output': {
        const value = evaluate(node.expr, scope);
        // runtime.ensureDefined raises with 1-based numbers of the Output node.
        if (value === null || value === undefined) throw new TemplateError('attempted to output null or undefined value', node.line + 1, node.col + 1);
        out += value;
        break;
      }
      case 'if': {
        const branch = node.branches.find((b) => evaluate(b.test, scope));
        out += renderNodes(branch ? branch.body : node.otherwise, scope);
        break;
      }
      case 'set':
        scope.locals.set(node.name, evaluate(node.expr, scope));
        break;
    }
  }
  return out;
}

function evaluate(expr: Expr, scope: Scope): unknown {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'name':
      if (scope.locals.has(expr.name)) return scope.locals.get(expr.name);
      if (scope.fileScope?.has(expr.name)) return scope.fileScope.get(expr.name);
      return expr.name in scope.globals ? scope.globals[expr.name] : undefined;
    case 'lookup': {
      // runtime.memberLookup
      const target = evaluate(expr.target, scope);
      const key = evaluate(expr.key, scope) as string | number;
      if (target === undefined || target === null) return undefined;
      const value = (target as Record<string | number, unknown>)[key];
      return typeof value === 'function' ? (...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(target, args) : value;
    }
    case 'list':
      return expr.items.map((item) => evaluate(item, scope));
    case 'dict': {
      const out: Record<string, unknown> = {};
      for (const [key, value] of expr.entries) out[typeof key === 'string' ? key : String(evaluate(key, scope))] = evaluate(value, scope);
      return out;
    }
    case 'in': {
      // runtime.inOperator
      const key = evaluate(expr.left, scope);
      const container = evaluate(expr.right, scope);
      if (Array.isArray(container) || typeof container === 'string') return (container as unknown[] | string).indexOf(key as never) !== -1;
      if (container && typeof container === 'object') return (key as string) in container;
      throw new Error(`Cannot use "in" operator to search for "${String(key)}" in unexpected types.`);
    }
    case 'unary': {
      const value = evaluate(expr.operand, scope) as number;
      return expr.op === '!' ? !value : expr.op === '-' ? -value : +value;
    }
    case 'binary':
      return binary(expr, scope);
    case 'call':
      return call(expr, scope);
  }
}

function binary(expr: Extract<Expr, { kind: 'binary' }>, scope: Scope): unknown {
  const l = evaluate(expr.left, scope) as never;
  if (expr.op === '&&') return l && evaluate(expr.right, scope);
  if (expr.op === '||') return l || evaluate(expr.right, scope);
  const r = evaluate(expr.right, scope) as never;
  switch (expr.op) {
    case '==':
      // eslint-disable-next-line eqeqeq
      return l == r;
    case '!=':
      // eslint-disable-next-line eqeqeq
      return l != r;
    case '===':
      return l === r;
    case '!==':
      return l !== r;
    case '<':
      return l < r;
    case '>':
      return l > r;
    case '<=':
      return l <= r;
    case '>=':
      return l >= r;
    case '+':
      return (l as number) + (r as number);
    case '-':
      return l - r;
    case '*':
      return l * r;
    case '/':
      return l / r;
    default:
      return l % r;
  }
}

/** runtime.callWrap: raises plain Errors; the template's root turns them into positioned ones. */
function call(expr: Extract<Expr, { kind: 'call' }>, scope: Scope): unknown {
  scope.line = expr.line;
  scope.col = expr.col;
  const fn = evaluate(expr.fn, scope);
  const args = expr.args.map((arg) => evaluate(arg, scope));
  if (expr.kwargs.length) {
    const kwargs: Record<string, unknown> = {};
    for (const [name, value] of expr.kwargs) kwargs[name] = evaluate(value, scope);
    kwargs.__keywords = true;
    args.push(kwargs);
  }
  if (!fn) throw new Error(`Unable to call \`${nodeName(expr.fn)}\`, which is undefined or falsey`);
  if (typeof fn !== 'function') throw new Error(`Unable to call \`${nodeName(expr.fn)}\`, which is not a function`);
  return (fn as (...a: unknown[]) => unknown).apply(CALL_CONTEXT, args);
}

/** runtime.handleError at the template's root: an error that knows its line keeps it. */
function handleError(error: unknown, line: number, col: number): unknown {
  if ((error as { lineno?: number } | null)?.lineno) return error;
  return new TemplateError(error, line, col);
}

/** compiler.js _getNodeName: how nunjucks names a callee in "Unable to call" messages. */
function nodeName(expr: Expr): string {
  switch (expr.kind) {
    case 'name':
      return expr.name;
    case 'lookup':
      return `${nodeName(expr.target)}["${nodeName(expr.key)}"]`;
    case 'literal':
      return String(expr.value);
    case 'call':
      return `the return value of (${nodeName(expr.fn)})`;
    default:
      return '--expression--';
  }
}

/** runtime.makeMacro plus the macro body nunjucks would compile: positional, keyword and default arguments. */
function makeMacro(definition: MacroDefinition, globals: () => Record<string, unknown>, fileScope: Map<string, unknown>): (...args: unknown[]) => unknown {
  const positional = definition.params.filter((p) => !p.fallback).map((p) => p.name);
  const keyword = definition.params.filter((p) => p.fallback);
  return function macro(...macroArgs: unknown[]) {
    const last = macroArgs[macroArgs.length - 1];
    const hasKeywords = Boolean(last && Object.prototype.hasOwnProperty.call(last, '__keywords'));
    const kwargs: Record<string, unknown> = hasKeywords ? (last as Record<string, unknown>) : {};
    const count = hasKeywords ? macroArgs.length - 1 : macroArgs.length;
    const locals = new Map<string, unknown>();
    if (count > positional.length) {
      macroArgs.slice(positional.length, count).forEach((value, i) => {
        if (i < keyword.length) kwargs[keyword[i]!.name] = value;
      });
    }
    positional.forEach((name, i) => {
      if (i < count) locals.set(name, macroArgs[i]);
      else {
        locals.set(name, kwargs[name]);
        delete kwargs[name];
      }
    });
    if (Object.prototype.hasOwnProperty.call(kwargs, 'caller')) locals.set('caller', kwargs.caller);
    const scope: Scope = { globals: globals(), locals, fileScope, line: 0, col: 0 };
    for (const param of keyword) {
      locals.set(param.name, Object.prototype.hasOwnProperty.call(kwargs, param.name) ? kwargs[param.name] : evaluate(param.fallback!, scope));
    }
    return new SafeString(renderNodes(definition.body, scope));
  };
}
