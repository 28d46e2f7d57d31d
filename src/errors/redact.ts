/**
 * Secret scrubbing, done in one place: every message, log line and artifact passes through a Redactor before it
 * leaves the process. Secrets are known three ways:
 * - environment variables whose names mark them as secret (AWS_SECRET_ACCESS_KEY, PGPASSWORD, SQLKIT_SECRET_*);
 * - config values under keys that hold credentials (password, iam_role, *_token...), and the value of the variable a
 *   `*_env` credential key names (cluster.master_password_env);
 * - shapes that are secret wherever they appear: the literal after IAM_ROLE / CREDENTIALS / ACCESS_KEY_ID... in SQL
 *   (as Redshift itself scrubs its logs), the value after a credential key in YAML or JSON text (`password: x`, as
 *   in the snippet of a project.yml that failed to parse, so its secrets were never learnt), and AWS access key ids.
 */
const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|PRIVATE_KEY|ACCESS_KEY|API_KEY|IAM_?ROLE)/i;
const MIN_SECRET_LENGTH = 4;
/** Shorter secrets are redacted only as whole words, so a password like "test" cannot blank out every "test". */
const SHORT_SECRET = 8;
export const REDACTED = '*****';

/** Separators between a SQL keyword and its literal, also as they look inside a JSON string (`\n`). */
const SQL_GAP = String.raw`(?:\s|\\[nrt])+`;
const SQL_CREDENTIAL_LITERAL = new RegExp(
  String.raw`(?:(?<![A-Za-z0-9_])|(?<=\\[nrt]))(iam_role|credentials|access_key_id|secret_access_key|session_token|master_symmetric_key)(${SQL_GAP}as)?(${SQL_GAP})'(?:[^'\\]|''|\\.)*'`,
  'gi',
);
const AWS_ACCESS_KEY_ID = /\b(?:AKIA|ASIA|AROA|AIDA)[A-Z0-9]{16}\b/g;
/** Every shape below contains one of these words: text without any (most SQL) skips the shape rules. */
const SHAPE_WORDS = new RegExp(`${SECRET_NAME.source}|MASTER_SYMMETRIC_KEY|AKIA|ASIA|AROA|AIDA`, 'i');
/**
 * `password: value`, `"api_token": "value"`, and the first inside a JSON string (`password: \"value\"`): a
 * credential key, a colon, its value. Keys ending in _env name a variable and a `{{ ... }}` value is a reference,
 * not a secret: both are left alone, and so are lists and mappings (their items are config values, redacted as
 * such). `=` is not a separator, so SQL such as `where token = 'x'` stays as it was sent; nor is `::`, a cast.
 */
const CREDENTIAL_ENTRY = new RegExp(
  String.raw`((?:^|[\s{,"'])\w*(?:${SECRET_NAME.source.slice(1, -1)})\w*(?<!_env)(?:\\?["'])?\s*:(?!:)\s*)(\\"(?:[^"\\]|\\[^"])*\\"|"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s,{}[\]"':\\][^\s,}\]"'\\]*)`,
  'gim',
);

export interface Redactor {
  redact(text: string): string;
  redactDeep<T>(value: T): T;
  add(secret: string | undefined): void;
  /** Whether any secret value is known; without one, redact() depends on its text alone (the shape rules). */
  knowsSecrets(): boolean;
}

export function isSecretEnvName(name: string): boolean {
  return SECRET_NAME.test(name) || name.startsWith('SQLKIT_SECRET_');
}

/** A config key whose value is a credential (password, iam_role, api_token...); `*_env` keys name a variable instead. */
export function isSecretKey(key: string): boolean {
  return keyKind(key) === 'secret';
}

/**
 * What a config key holds: a credential, the name of a variable holding one (`*_env`), or neither. Config objects
 * repeat a handful of keys thousands of times (one per node), so each key name is judged once.
 */
const kindByKey = new Map<string, 'secret' | 'secret-variable' | 'plain'>();
function keyKind(key: string): 'secret' | 'secret-variable' | 'plain' {
  let kind = kindByKey.get(key);
  if (kind === undefined) {
    kind = !SECRET_NAME.test(key) ? 'plain' : /_env$/i.test(key) ? 'secret-variable' : 'secret';
    kindByKey.set(key, kind);
  }
  return kind;
}

/**
 * The credential values inside a config object (a target, the cluster block, a manifest), found by key name, plus
 * the values of environment variables that `*_env` credential keys point at.
 */
export function secretsInConfig(value: unknown, env: Record<string, string | undefined> = {}): string[] {
  const found: string[] = [];
  const walk = (node: unknown, secret: boolean): void => {
    if (typeof node === 'string') {
      if (secret) found.push(node);
    } else if (Array.isArray(node)) {
      for (const item of node) walk(item, secret);
    } else if (node && typeof node === 'object') {
      for (const key in node) {
        const item = (node as Record<string, unknown>)[key];
        const kind = keyKind(key);
        if (kind === 'secret-variable' && typeof item === 'string') found.push(env[item] ?? '');
        walk(item, secret || kind === 'secret');
      }
    }
  };
  walk(value, false);
  return found.length ? found.filter((s) => s.length >= MIN_SECRET_LENGTH) : found;
}

export function createRedactor(env: Record<string, string | undefined> = {}, secrets: Iterable<string> = []): Redactor {
  const values = new Set<string>();
  let ordered: string[] = [];
  const add = (secret: string | undefined): void => {
    if (!secret || secret.length < MIN_SECRET_LENGTH || values.has(secret)) return;
    // The forms a secret takes once escaped inside a JSON string or a SQL literal are secrets too.
    for (const form of [secret, JSON.stringify(secret).slice(1, -1), secret.replace(/'/g, "''")]) values.add(form);
    // Longest first, so a secret that contains another is removed whole.
    ordered = [...values].sort((a, b) => b.length - a.length);
  };
  for (const [name, value] of Object.entries(env)) if (isSecretEnvName(name)) add(value);
  for (const secret of secrets) add(secret);

  const redact = (text: string): string => {
    if (!text) return text;
    let out = text;
    for (const secret of ordered) {
      if (!out.includes(secret)) continue;
      out =
        secret.length >= SHORT_SECRET
          ? out.split(secret).join(REDACTED)
          : out.replace(new RegExp(`(?<![A-Za-z0-9_])${secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9_])`, 'g'), REDACTED);
    }
    if (!SHAPE_WORDS.test(out)) return out;
    return out
      .replace(SQL_CREDENTIAL_LITERAL, `$1$2$3'${REDACTED}'`)
      .replace(CREDENTIAL_ENTRY, (entry, key: string, value: string) => {
        // the quote as written: "x", 'x', or \"x\" when the YAML line sits inside a JSON string
        const quote = /^(\\"|"|')?/.exec(value)![0];
        if (value.startsWith(`${quote}{{`) || value.startsWith(`${quote}${REDACTED}`)) return entry;
        return `${key}${quote}${REDACTED}${quote}`;
      })
      .replace(AWS_ACCESS_KEY_ID, REDACTED);
  };

  const redactDeep = <T>(value: T): T => {
    if (typeof value === 'string') return redact(value) as T;
    if (Array.isArray(value)) return value.map((v) => redactDeep(v)) as T;
    if (isPlainObject(value)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v);
      return out as T;
    }
    return value;
  };

  return { redact, redactDeep, add, knowsSecrets: () => values.size > 0 };
}

/** Only plain data is walked: a Date or a Buffer in a query result is left as it is. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
