import type { YamlPath } from '../util/yaml-file.js';

interface ZodLike {
  _zod?: { def?: Record<string, unknown> };
}

/** The keys an object schema accepts at `path` (array indexes skipped), for "did you mean" hints. */
export function keysAtPath(schema: unknown, path: YamlPath): string[] {
  let node = unwrap(schema);
  for (const segment of path) {
    const def = (node as ZodLike)?._zod?.def;
    if (!def) return [];
    if (def.type === 'array' && typeof segment === 'number') node = unwrap(def.element);
    else if (def.type === 'object') node = unwrap((def.shape as Record<string, unknown>)[String(segment)]);
    else if (def.type === 'record') node = unwrap(def.valueType);
    else return [];
  }
  const def = (node as ZodLike)?._zod?.def;
  return def?.type === 'object' ? Object.keys(def.shape as Record<string, unknown>) : [];
}

function unwrap(schema: unknown): unknown {
  let node = schema;
  for (let i = 0; i < 10; i++) {
    const def = (node as ZodLike)?._zod?.def;
    if (!def) return node;
    if (def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'prefault') node = def.innerType;
    else if (def.type === 'pipe') node = def.in;
    else return node;
  }
  return node;
}
