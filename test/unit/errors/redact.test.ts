import { describe, expect, it } from 'vitest';
import { createRedactor, isSecretEnvName, isSecretKey, REDACTED, secretsInConfig } from '../../../src/errors/index.js';

describe('which names hold secrets', () => {
  it('environment variables named like credentials, or with the SQLKIT_SECRET_ prefix', () => {
    for (const name of ['PGPASSWORD', 'AWS_SECRET_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SESSION_TOKEN', 'STRIPE_API_KEY', 'SPARKIFY_IAM_ROLE', 'SQLKIT_SECRET_SALT']) {
      expect(isSecretEnvName(name), name).toBe(true);
    }
    for (const name of ['PGHOST', 'HOME', 'SQLKIT_TARGET', 'AWS_REGION']) expect(isSecretEnvName(name), name).toBe(false);
  });

  it('config keys the same way, except *_env keys, which name a variable', () => {
    for (const key of ['password', 'iam_role', 'iamRole', 'iam_roles', 'api_token', 'secret_arn']) expect(isSecretKey(key), key).toBe(true);
    for (const key of ['master_password_env', 'user', 'host', 'unique_key', 'schema']) expect(isSecretKey(key), key).toBe(false);
  });

  it('secretsInConfig finds values under credential keys at any depth, and what *_env keys point at', () => {
    const config = {
      target: { type: 'postgres', user: 'loader', password: 'pg-pass-123', settings: { s3_secret_access_key: 'duck-s3-secret' } },
      cluster: { identifier: 'c1', master_password_env: 'MY_MASTER', iam_roles: ['arn:aws:iam::1:role/a', 'arn:aws:iam::1:role/b'] },
      vars: { api_token: 'tok-1234', page: 'NextSong' },
    };
    expect(secretsInConfig(config, { MY_MASTER: 'Master-Pw-9' }).sort()).toEqual(
      ['Master-Pw-9', 'arn:aws:iam::1:role/a', 'arn:aws:iam::1:role/b', 'duck-s3-secret', 'pg-pass-123', 'tok-1234'].sort(),
    );
  });
});

describe('redact', () => {
  it('removes secrets from env vars with secret names and secrets added later, longest first', () => {
    const redactor = createRedactor({ PGPASSWORD: 'hunter2-long', PGUSER: 'postgres-user' });
    redactor.add('hunter2-long-and-more');
    expect(redactor.redact('a hunter2-long-and-more b hunter2-long c postgres-user')).toBe(`a ${REDACTED} b ${REDACTED} c postgres-user`);
  });

  it('short secrets only as whole words; secrets under 4 characters not at all', () => {
    const redactor = createRedactor({ DB_PASSWORD: 'test', OTHER_TOKEN: 'abc' });
    expect(redactor.redact('test testing a test, abc')).toBe(`${REDACTED} testing a ${REDACTED}, abc`);
  });

  it('also in the forms a JSON string or a SQL literal gives a secret', () => {
    const secret = `it's "quoted" \\ here`;
    const redactor = createRedactor({}, [secret]);
    expect(redactor.redact(JSON.stringify({ message: `value ${secret}` }))).toBe(JSON.stringify({ message: `value ${REDACTED}` }));
    expect(redactor.redact(`select 'it''s "quoted" \\ here'`)).toBe(`select '${REDACTED}'`);
  });

  it('the literal after IAM_ROLE, CREDENTIALS, ACCESS_KEY_ID... in SQL, also inside a JSON string', () => {
    const redactor = createRedactor();
    const copy = "copy t from 's3://b/k'\niam_role 'arn:aws:iam::1:role/r'\ncredentials as 'aws_access_key_id=X;aws_secret_access_key=Y'\nformat as json 'auto'";
    const expected = `copy t from 's3://b/k'\niam_role '${REDACTED}'\ncredentials as '${REDACTED}'\nformat as json 'auto'`;
    expect(redactor.redact(copy)).toBe(expected);
    expect(redactor.redact(JSON.stringify({ sql: copy }))).toBe(JSON.stringify({ sql: expected }));
  });

  it('the value after a credential key in YAML or JSON text, keeping quotes, references and SQL intact', () => {
    const redactor = createRedactor();
    expect(redactor.redact('  7 |     password: hunter2 extra: x')).toBe(`  7 |     password: ${REDACTED} extra: x`);
    expect(redactor.redact('{"api_token":"a\\"b","n":1}')).toBe(`{"api_token":"${REDACTED}","n":1}`);
    const snippet = { code: 'CONFIG_YAML_SYNTAX', snippet: '    password: "hunter2" port: 5432', hint: `e.g. password: "{{ env_var('PGPASSWORD') }}"` };
    expect(JSON.parse(redactor.redact(JSON.stringify(snippet)))).toEqual({ ...snippet, snippet: `    password: "${REDACTED}" port: 5432` });
    for (const untouched of [
      `password: "{{ env_var('PGPASSWORD') }}"`,
      'master_password_env: SPARKIFY_MASTER_PASSWORD',
      'password authentication failed for user "x"',
      "where token = 'abc' and password_hash::text <> ''",
      '{"iamRoles":["arn:aws:iam::1:role/a"],"password":{"nested":1}}',
    ]) {
      expect(redactor.redact(untouched)).toBe(untouched);
    }
  });

  it('AWS access key ids, wherever they come from', () => {
    expect(createRedactor().redact('Credential=AKIAIOSFODNN7EXAMPLE/20250101/us-east-1')).toBe(`Credential=${REDACTED}/20250101/us-east-1`);
  });

  it('redactDeep walks plain data and leaves dates and buffers alone', () => {
    const redactor = createRedactor({}, ['top-secret-value']);
    const when = new Date('2025-01-01T00:00:00Z');
    const out = redactor.redactDeep({ rows: [['top-secret-value', when, 3n]], nested: { note: 'has top-secret-value' } });
    expect(out).toEqual({ rows: [[REDACTED, when, 3n]], nested: { note: `has ${REDACTED}` } });
    expect(out.rows[0]![1]).toBeInstanceOf(Date);
  });
});
