import { tokenize } from './tokenizer.js';
import { isWord, prevSig } from './tokens.js';

const SECRET_KEYWORDS = ['iam_role', 'credentials', 'access_key_id', 'secret_access_key', 'session_token', 'master_symmetric_key'];
const REDACTED = "'****'";

/** The literal after a credential keyword (IAM_ROLE, CREDENTIALS, ACCESS_KEY_ID, …) replaced by '****'. */
export function redactSql(sql: string): string {
  let tokens;
  try {
    tokens = tokenize(sql);
  } catch {
    // Unparseable SQL (an unterminated quote) still must not leak a key into a log or an error.
    return sql.replace(/\b(iam_role|credentials|access_key_id|secret_access_key|session_token)\b(\s+as)?\s*'[^']*'?/gi, `$1$2 ${REDACTED}`);
  }
  return tokens
    .map((token, i) => {
      if (token.kind !== 'string' && token.kind !== 'dollar') return token.text;
      let before = prevSig(tokens, i - 1);
      if (isWord(tokens[before], 'as')) before = prevSig(tokens, before - 1);
      return isWord(tokens[before], ...SECRET_KEYWORDS) ? REDACTED : token.text;
    })
    .join('');
}

/** Secret values found in the SQL, so they can also be scrubbed from free text such as error messages. */
export function secretsIn(sql: string): string[] {
  try {
    const tokens = tokenize(sql);
    const secrets: string[] = [];
    tokens.forEach((token, i) => {
      if (token.kind !== 'string') return;
      let before = prevSig(tokens, i - 1);
      if (isWord(tokens[before], 'as')) before = prevSig(tokens, before - 1);
      if (isWord(tokens[before], ...SECRET_KEYWORDS)) secrets.push(...token.text.slice(1, -1).split(/[;=]/).filter((s) => s.length >= 4));
    });
    return secrets;
  } catch {
    return [];
  }
}

export function scrubSecrets(text: string, secrets: readonly string[]): string {
  return secrets.reduce((out, secret) => out.split(secret).join('****'), text);
}
