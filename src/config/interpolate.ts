import { SqlkitError, type SourceLocation } from '../errors/index.js';

export interface InterpolationScope {
  env: Record<string, string | undefined>;
  vars?: Record<string, unknown>;
}

const CALL = /^(env_var|var)\(\s*(['"])([^'"]*)\2\s*(?:,\s*(?:(['"])([^'"]*)\4|(-?\d+(?:\.\d+)?|true|false|none|null)))?\s*\)$/;

/**
 * Replaces `{{ env_var('NAME', 'default') }}` and `{{ var('name', default) }}` inside YAML string values.
 * Only these two calls are allowed in YAML: anything else in `{{ }}` is reported, never passed through silently.
 */
export function interpolateString(text: string, scope: InterpolationScope, where: () => SourceLocation): string {
  if (!text.includes('{{')) return text;
  return text.replace(/\{\{(.*?)\}\}/gs, (_whole, inner: string) => {
    const match = CALL.exec(inner.trim());
    if (!match) {
      throw new SqlkitError('CONFIG_INVALID', `Unsupported expression '{{${inner}}}' in YAML.`, {
        location: where(),
        hint: "YAML values may only use {{ env_var('NAME', 'default') }} or {{ var('name', 'default') }}.",
      });
    }
    const [, fn, , name, , quotedDefault, bareDefault] = match;
    const fallback = quotedDefault ?? (bareDefault === undefined ? undefined : bareDefault);
    if (fn === 'env_var') {
      const value = scope.env[name!];
      if (value !== undefined) return value;
      if (fallback !== undefined) return fallback;
      throw new SqlkitError('CONFIG_ENV_VAR_MISSING', `Environment variable '${name}' is not set.`, {
        location: where(),
        hint: `Set ${name}, or give a default: {{ env_var('${name}', 'default') }}.`,
      });
    }
    const vars = scope.vars ?? {};
    if (name! in vars) return String(vars[name!]);
    if (fallback !== undefined) return fallback;
    throw new SqlkitError('TEMPLATE_UNKNOWN_VAR', `Var '${name}' is not defined.`, {
      location: where(),
      hint: `Define it under vars: in project.yml, pass --vars '{${name}: ...}', or give a default.`,
    });
  });
}

/** Interpolates every string in a plain YAML value, keeping the path for error locations. */
export function interpolateDeep(
  value: unknown,
  scope: InterpolationScope,
  locate: (path: (string | number)[]) => SourceLocation,
  path: (string | number)[] = [],
): unknown {
  if (typeof value === 'string') return interpolateString(value, scope, () => locate(path));
  if (Array.isArray(value)) return value.map((item, i) => interpolateDeep(item, scope, locate, [...path, i]));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = interpolateDeep(item, scope, locate, [...path, key]);
    return out;
  }
  return value;
}
