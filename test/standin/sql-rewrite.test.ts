import { describe, expect, test } from 'vitest';
import { redactSql } from '../support/redshift-standin/index.js';
import { createRewriteContext, parameterValues } from '../support/redshift-standin/sql/rewrite-context.js';
import { SqlError } from '../support/redshift-standin/sql/sql-error.js';
import { splitStatements } from '../support/redshift-standin/sql/split-statements.js';
import type { TranslatedStatement } from '../support/redshift-standin/sql/statement-plan.js';
import { tokenize } from '../support/redshift-standin/sql/tokenizer.js';
import { translateStatement } from '../support/redshift-standin/sql/translate-statement.js';

function translate(sql: string, parameters: Record<string, string> = {}): { sql: string; values: string[]; translated: TranslatedStatement } {
  const ctx = createRewriteContext(true, new Map(Object.entries(parameters)));
  const translated = translateStatement(tokenize(sql), ctx);
  const rendered = translated.kind === 'sql' ? (translated.sql?.sql ?? '') : '';
  return { sql: rendered, values: parameterValues(ctx), translated };
}

function errorOf(fn: () => unknown): SqlError | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof SqlError) return error;
    throw error;
  }
  return undefined;
}

describe('SQL tokenizer', () => {
  const tricky = `SELECT $$a; 'b'$$, $tag$ ; $tag$, E'it\\'s;', 'it''s;', "we""ird;" -- c; 'x
    /* outer /* inner; */ still comment; */ FROM t; SELECT 2`;

  test('keeps every character, so SQL is rebuilt exactly', () => {
    expect(tokenize(tricky).map((t) => t.text).join('')).toBe(tricky);
  });

  test('splits statements only at top-level semicolons', () => {
    const statements = splitStatements(tokenize(tricky));
    expect(statements).toHaveLength(2);
    expect(statements[1]!.map((t) => t.text).join('').trim()).toBe('SELECT 2');
    expect(splitStatements(tokenize('SELECT 1;  ;\n'))).toHaveLength(1);
  });

  test('reports an unterminated literal at its position', () => {
    expect(errorOf(() => tokenize("SELECT 'open"))).toMatchObject({ offset: 7, message: expect.stringMatching(/unterminated quoted string/) });
  });
});

describe('credential redaction', () => {
  test('redacts the literal after each credential keyword, whatever its case', () => {
    expect(redactSql("copy t from 's3://b/k' iam_role 'arn:aws:iam::1:role/r' json 'auto'")).toBe("copy t from 's3://b/k' iam_role '****' json 'auto'");
    expect(redactSql("COPY t FROM 's3://b/k' CREDENTIALS AS 'aws_access_key_id=A;aws_secret_access_key=S' JSON 'auto'")).toBe(
      "COPY t FROM 's3://b/k' CREDENTIALS AS '****' JSON 'auto'",
    );
    expect(redactSql("SELECT 'IAM_ROLE', 'secret_access_key' FROM t")).toBe("SELECT 'IAM_ROLE', 'secret_access_key' FROM t");
  });

  test('still redacts SQL it cannot tokenize', () => {
    expect(redactSql("COPY t FROM 's3://b' SECRET_ACCESS_KEY 'abc123")).not.toContain('abc123');
  });
});

describe('Redshift → PostgreSQL rewriting', () => {
  test('binds :name parameters but not casts, literals, comments or quoted names', () => {
    const { sql, values } = translate("SELECT :b, :a::int, ':a', \":a\" -- :a\nFROM t WHERE x = :b", { a: '1', b: 'two' });
    expect(sql).toBe("SELECT $1, $2::int, ':a', \":a\" -- :a\nFROM t WHERE x = $1");
    expect(values).toEqual(['two', '1']);
  });

  test('rewrites compat functions, nested, and keeps PostgreSQL decode(text, format)', () => {
    expect(translate("SELECT decode(nvl(a, 0), 1, 'one', 'other'), decode(b, 'base64'), nvl2(c, 1, 0) FROM t").sql).toBe(
      "SELECT (CASE WHEN (coalesce(a, 0)) IS NOT DISTINCT FROM (1) THEN ('one') ELSE ('other') END), decode(b, 'base64'), (CASE WHEN (c) IS NOT NULL THEN (1) ELSE (0) END) FROM t",
    );
    expect(translate('SELECT dateadd(d, -1, getdate()), datediff(w, a, b), datepart(mon, c) FROM t').sql).toBe(
      "SELECT rs_compat.dateadd('day', -1, rs_compat.getdate()), rs_compat.datediff('week', a, b), date_part('month', c) FROM t",
    );
    expect(translate('SELECT listagg(DISTINCT name) WITHIN GROUP (ORDER BY name), median(x) FROM t').sql).toBe(
      "SELECT string_agg(DISTINCT (name)::varchar, '' ORDER BY name), percentile_cont(0.5) WITHIN GROUP (ORDER BY (x)) FROM t",
    );
  });

  test('turns TOP n into LIMIT n at the right nesting level', () => {
    expect(translate('SELECT TOP 5 * FROM (SELECT DISTINCT TOP 2 a FROM t ORDER BY a) s ORDER BY 1').sql).toBe(
      'SELECT * FROM (SELECT DISTINCT a FROM t ORDER BY a LIMIT 2) s ORDER BY 1 LIMIT 5',
    );
  });

  test('maps Redshift column types and strips physical attributes', () => {
    const { sql, translated } = translate(
      'CREATE TABLE s.t (id BIGINT IDENTITY(0,1), "Name" VARCHAR ENCODE lzo, body TEXT, price DECIMAL, raw VARBYTE, doc SUPER) DISTSTYLE EVEN SORTKEY AUTO',
    );
    expect(sql).toBe(
      'CREATE TABLE "s"."t" ("id" bigint GENERATED ALWAYS AS IDENTITY (START WITH 0 INCREMENT BY 1 MINVALUE 0), ' +
        '"name" varchar(256) CHECK (octet_length("name") <= 256), "body" varchar(256) CHECK (octet_length("body") <= 256), ' +
        '"price" numeric(18,0), "raw" bytea, "doc" jsonb)',
    );
    expect(translated.kind === 'sql' && translated.effects.createTable?.attributes).toMatchObject({
      diststyle: 'EVEN',
      sortkeyStyle: 'AUTO',
      columnEncodings: { name: 'LZO' },
      encodeAuto: false,
    });
  });

  test('treats #name as a temp table', () => {
    expect(translate('CREATE TABLE #stage (id INT)').sql).toBe('CREATE TEMPORARY TABLE "#stage" ("id" integer)');
    expect(translate('INSERT INTO #Stage SELECT 1').sql).toBe('INSERT INTO "#stage" SELECT 1');
  });

  test('strict mode looks at tokens, not text inside literals and comments', () => {
    expect(translate("SELECT 'x RETURNING y' /* ON CONFLICT */ FROM t").sql).toBe("SELECT 'x RETURNING y' /* ON CONFLICT */ FROM t");
    expect(errorOf(() => translate('SELECT a[1] FROM t'))).toMatchObject({ message: 'syntax error at or near "["', offset: 8 });
    expect(translate('SELECT c.conkey[1] FROM pg_catalog.pg_constraint c').sql).toBe('SELECT c.conkey[1] FROM pg_catalog.pg_constraint c');
  });

  test('non-strict mode lets PostgreSQL-only syntax through', () => {
    const ctx = createRewriteContext(false);
    const translated = translateStatement(tokenize('CREATE TABLE t (id UUID, tags TEXT[])'), ctx);
    expect(translated.kind === 'sql' && translated.sql?.sql).toBe('CREATE TABLE "t" ("id" UUID, "tags" varchar(256)[])');
  });
});
