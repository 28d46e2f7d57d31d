/**
 * Secret scrubbing, done in one place: every message, log line and artifact passes through a Redactor before it
 * leaves the process. Secrets come from config fields that hold credentials and from environment variables whose
 * names mark them as secret.
 */
const SECRET_ENV_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|PRIVATE_KEY|ACCESS_KEY|API_KEY)/i;
const MIN_SECRET_LENGTH = 4;
/** Shorter secrets are redacted only as whole words, so a password like "test" cannot blank out every "test". */
const SHORT_SECRET = 8;
export const REDACTED = '*****';

export interface Redactor {
  redact(text: string): string;
  redactDeep<T>(value: T): T;
  add(secret: string | undefined): void;
}

export function isSecretEnvName(name: string): boolean {
  return SECRET_ENV_NAME.test(name) || name.startsWith('SQLKIT_SECRET_');
}

export function createRedactor(env: Record<string, string | undefined> = {}, secrets: Iterable<string> = []): Redactor {
  const values = new Set<string>();
  const add = (secret: string | undefined): void => {
    if (secret && secret.length >= MIN_SECRET_LENGTH) values.add(secret);
  };
  for (const [name, value] of Object.entries(env)) if (isSecretEnvName(name)) add(value);
  for (const secret of secrets) add(secret);

  const redact = (text: string): string => {
    if (values.size === 0 || !text) return text;
    let out = text;
    // Longest first, so a secret that contains another is removed whole.
    for (const secret of [...values].sort((a, b) => b.length - a.length)) {
      if (!out.includes(secret)) continue;
      out =
        secret.length >= SHORT_SECRET
          ? out.split(secret).join(REDACTED)
          : out.replace(new RegExp(`(?<![A-Za-z0-9_])${secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9_])`, 'g'), REDACTED);
    }
    return out;
  };

  const redactDeep = <T>(value: T): T => {
    if (values.size === 0) return value;
    if (typeof value === 'string') return redact(value) as T;
    if (Array.isArray(value)) return value.map((v) => redactDeep(v)) as T;
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v);
      return out as T;
    }
    return value;
  };

  return { redact, redactDeep, add };
}
