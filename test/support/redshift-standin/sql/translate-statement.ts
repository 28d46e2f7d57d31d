import { parseCopyCommand } from '../copy/copy-command.js';
import { translateAlterTable } from './alter-table.js';
import { translateCreateTable } from './create-table.js';
import { translateCreateView } from './create-view.js';
import { isDropOf, translateDrop } from './drop-statement.js';
import type { RewriteContext } from './rewrite-context.js';
import { relationReferences } from './relation-references.js';
import { rewriteExpression } from './rewrite-expression.js';
import { SqlBuilder } from './sql-builder.js';
import { SqlError } from './sql-error.js';
import type { StatementEffects, TranslatedStatement } from './statement-plan.js';
import { checkStrict } from './strict-checks.js';
import type { Token } from './tokenizer.js';
import { identName, isWord, nextSig, readQualifiedName } from './tokens.js';

/** Redshift session settings PostgreSQL does not have; SET/RESET of them is accepted and ignored. */
const REDSHIFT_ONLY_SETTINGS = new Set([
  'query_group', 'wlm_query_slot_count', 'enable_result_cache_for_session', 'analyze_threshold_percent', 'json_parse_truncate_strings',
  'enable_case_sensitive_identifier', 'describe_field_name_in_uppercase', 'auto_analyze', 'enable_case_sensitive_super_attribute',
  'spectrum_query_maxerror', 'mv_enable_aqmv_for_session', 'downcase_delimited_identifier',
]);

function leadingWords(tokens: readonly Token[], count: number): string[] {
  const words: string[] = [];
  let i = nextSig(tokens, 0);
  while (words.length < count && i < tokens.length) {
    words.push(tokens[i]!.kind === 'word' ? tokens[i]!.text.toLowerCase() : tokens[i]!.text);
    i = nextSig(tokens, i + 1);
  }
  return words;
}

function plain(tokens: readonly Token[], ctx: RewriteContext): TranslatedStatement {
  return { kind: 'sql', sql: rewriteExpression(tokens, 0, tokens.length, ctx).render(), effects: {} };
}

function withDdl(tokens: readonly Token[], ctx: RewriteContext, schemas: string[] = []): TranslatedStatement {
  return { kind: 'sql', sql: rewriteExpression(tokens, 0, tokens.length, ctx).render(), effects: { relationDdl: { targets: [], schemas } } };
}

function rendered(result: { sql: SqlBuilder | null; effects: StatementEffects }): TranslatedStatement {
  return { kind: 'sql', sql: result.sql?.render() ?? null, effects: result.effects };
}

const CATALOG_SCHEMAS = new Set(['pg_catalog', 'information_schema', 'rs_compat']);

/**
 * Catalog queries run on Redshift's leader node, which accepts PostgreSQL 8 syntax (arrays, subscripts);
 * strict mode must not refuse the introspection SQL sqlkit sends.
 */
function readsOnlyCatalogs(tokens: readonly Token[]): boolean {
  const references = relationReferences(tokens);
  return (
    references.length > 0 &&
    references.every((r) => (r.schema === undefined ? /^(pg_|svv_|stv_|stl_|svl_|sys_)/.test(r.name) : CATALOG_SCHEMAS.has(r.schema)))
  );
}

/** DELETE t WHERE … is Redshift shorthand; PostgreSQL needs DELETE FROM. */
function translateDelete(tokens: readonly Token[], ctx: RewriteContext): TranslatedStatement {
  const del = nextSig(tokens, 0);
  const next = nextSig(tokens, del + 1);
  if (isWord(tokens[next], 'from')) return plain(tokens, ctx);
  const sql = new SqlBuilder()
    .append(rewriteExpression(tokens, 0, del + 1, ctx))
    .text(' FROM', tokens[del]!.start)
    .append(rewriteExpression(tokens, del + 1, tokens.length, ctx));
  return { kind: 'sql', sql: sql.render(), effects: {} };
}

/** Translates one Redshift statement (no trailing `;`) to what the stand-in runs on PostgreSQL. */
export function translateStatement(tokens: readonly Token[], ctx: RewriteContext): TranslatedStatement {
  const [first = '', second = '', third = '', fourth = ''] = leadingWords(tokens, 4);
  if (first === 'copy') return { kind: 'copy', copy: parseCopyCommand(tokens) };
  const catalogQuery = (first === 'select' || first === 'with') && readsOnlyCatalogs(tokens);
  if (ctx.strict && !catalogQuery) checkStrict(tokens);
  const at = tokens[nextSig(tokens, 0)]?.start ?? 0;

  switch (first) {
    case 'begin':
    case 'start':
      return { kind: 'transaction', action: 'begin', sql: new SqlBuilder().text('BEGIN', at).render() };
    case 'commit':
    case 'end':
      return { kind: 'transaction', action: 'commit', sql: new SqlBuilder().text('COMMIT', at).render() };
    case 'rollback':
    case 'abort':
      return { kind: 'transaction', action: 'rollback', sql: new SqlBuilder().text('ROLLBACK', at).render() };
    case 'create': {
      const kinds = [second, third, fourth];
      const objectKind = kinds.find((word) => !['or', 'replace', 'local', 'temp', 'temporary'].includes(word)) ?? '';
      if (objectKind === 'table') return rendered(translateCreateTable(tokens, ctx));
      if (objectKind === 'view') return rendered(translateCreateView(tokens, ctx));
      if (objectKind === 'schema' || objectKind === 'materialized') return withDdl(tokens, ctx);
      return plain(tokens, ctx);
    }
    case 'drop':
      if (isDropOf(tokens, 'table', 'view', 'schema')) return rendered(translateDrop(tokens, ctx));
      return plain(tokens, ctx);
    case 'alter':
      if (second === 'table' || second === 'view') return rendered(translateAlterTable(tokens, ctx));
      if (second === 'schema') {
        const name = readQualifiedName(tokens, nextSig(tokens, nextSig(tokens, nextSig(tokens, 0) + 1) + 1));
        return withDdl(tokens, ctx, name ? [name.name] : []);
      }
      return plain(tokens, ctx);
    case 'truncate':
      return { kind: 'sql', sql: rewriteExpression(tokens, 0, tokens.length, ctx).render(), effects: { truncate: true } };
    case 'delete':
      return translateDelete(tokens, ctx);
    case 'vacuum':
      return { kind: 'sql', sql: null, effects: { notInTransaction: 'VACUUM' } };
    case 'analyze':
      return { kind: 'noop', command: 'ANALYZE' };
    case 'set':
    case 'reset': {
      const nameAt = nextSig(tokens, nextSig(tokens, 0) + 1);
      const name = isWord(tokens[nameAt], 'session', 'local') ? tokens[nextSig(tokens, nameAt + 1)] : tokens[nameAt];
      if (name && REDSHIFT_ONLY_SETTINGS.has(identName(name))) return { kind: 'noop', command: first.toUpperCase() };
      return plain(tokens, ctx);
    }
    case 'unload':
      throw new SqlError('UNLOAD is not supported by the Redshift stand-in', at);
    default:
      return plain(tokens, ctx);
  }
}
