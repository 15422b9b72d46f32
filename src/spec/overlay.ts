// `spec.environments.<env>` deep-merged over `spec`: mappings merge, lists and scalars replace.
// Also answers, for any field of the result, where in the YAML it came from.
import type { ServerFields, ServerSpec } from './generated.js';
import type { PathSegment } from './positions.js';

type Plain = Record<string, unknown>;

function isPlain(v: unknown): v is Plain {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlain(base) || !isPlain(over)) return over === undefined ? base : over;
  const out: Plain = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v);
  return out;
}

export interface Overlaid {
  fields: ServerFields;
  /** YAML path (from the document root) of the value at `path` of `fields`. */
  origin: (path: readonly PathSegment[]) => PathSegment[];
}

export function overlay(spec: ServerSpec, env: string | undefined): Overlaid {
  const { environments, ...base } = spec;
  const over = env === undefined ? undefined : environments?.[env];
  const fields = (over ? deepMerge(base, over) : base) as ServerFields;
  return {
    fields,
    origin: (path) => {
      if (!over || path.length === 0) return ['spec', ...path];
      let node: unknown = over;
      for (let i = 0; i < path.length; i++) {
        if (!isPlain(node)) return ['spec', 'environments', env!, ...path];
        if (!(String(path[i]) in node)) return ['spec', ...path];
        node = node[String(path[i])];
        if (!isPlain(node)) return ['spec', 'environments', env!, ...path];
      }
      return ['spec', 'environments', env!, ...path];
    },
  };
}
