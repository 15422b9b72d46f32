// Breaking tool changes: would a call an agent made to the version being replaced be refused by the
// new one? A tool that is gone, or an input schema that accepts less than before. The check is on
// plain JSON Schema keywords and errs on the side of "not breaking" where it cannot tell (anyOf,
// oneOf, allOf, $ref, if/then, not, patternProperties are not analysed). Rules (docs/reference/tool-surface.md):
// - removed tool;
// - new required property (added as required, or made required);
// - removed property: a call that set it is refused (additionalProperties: false) or its argument
//   silently dropped; either way it no longer does what it did, so it is breaking in both cases;
// - additionalProperties becomes false (was absent or true);
// - narrowed type (integer is narrower than number; no type = any type);
// - narrowed enum / const (a value accepted before is not now);
// - tighter bounds: minimum, exclusiveMinimum, minLength, minItems, minProperties up; maximum,
//   exclusiveMaximum, maxLength, maxItems, maxProperties down (or added); pattern added or changed.
// Properties and array items are compared recursively; a path names where (`filter.limit`, `ids[]`).
import { canonicalJson } from './canonical-json.js';

type Schema = Record<string, unknown>;

export interface BreakingChange {
  tool: string;
  /** removed: the tool is gone; schema: its input schema accepts less than before. */
  kind: 'removed' | 'schema';
  /** What changed, for people: `new required property "c"`. Empty for removed. */
  details: string[];
}

export interface BreakingOptions {
  /** Tools the new version may drop (spec.tools.allowRemoved). */
  allowRemoved?: readonly string[];
  /** Tools whose input schema may change incompatibly (spec.tools.allowBreaking). */
  allowBreaking?: readonly string[];
}

/**
 * The breaking changes from `before` to `after` (tool name -> input schema), minus those the spec
 * allows. A tool named in allowBreaking may also be removed (removal is the most breaking change).
 */
export function breakingChanges(
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
  opts: BreakingOptions = {},
): BreakingChange[] {
  const allowRemoved = new Set([...(opts.allowRemoved ?? []), ...(opts.allowBreaking ?? [])]);
  const allowBreaking = new Set(opts.allowBreaking ?? []);
  const out: BreakingChange[] = [];
  for (const name of Object.keys(before).sort()) {
    if (!(name in after)) {
      if (!allowRemoved.has(name)) out.push({ tool: name, kind: 'removed', details: [] });
      continue;
    }
    if (allowBreaking.has(name)) continue;
    const details = narrowed(asSchema(before[name]), asSchema(after[name]), '');
    if (details.length > 0) out.push({ tool: name, kind: 'schema', details });
  }
  return out;
}

/** `removed: fetch; get-sum: new required property "c"` (removed tools first). */
export function describeBreaking(changes: readonly BreakingChange[]): string {
  const removed = changes.filter((c) => c.kind === 'removed').map((c) => c.tool);
  const parts = removed.length > 0 ? [`removed: ${removed.join(', ')}`] : [];
  for (const c of changes) if (c.kind === 'schema') parts.push(`${c.tool}: ${c.details.join(', ')}`);
  return parts.join('; ');
}

function asSchema(v: unknown): Schema {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Schema) : {};
}

function label(path: string): string {
  return path === '' ? 'input' : `"${path}"`;
}

/** What `after` refuses that `before` accepted, at `path`. */
function narrowed(before: Schema, after: Schema, path: string): string[] {
  const out: string[] = [];
  out.push(...typeNarrowing(before, after, path));
  out.push(...valueNarrowing(before, after, path));
  out.push(...boundNarrowing(before, after, path));
  out.push(...objectNarrowing(before, after, path));
  if (before.items !== undefined || after.items !== undefined) {
    if (isSchema(before.items) && isSchema(after.items)) out.push(...narrowed(before.items, after.items, `${path}[]`));
    else if (before.items === undefined && isSchema(after.items) && Object.keys(after.items).length > 0) out.push(`items of ${label(path)} now constrained`);
  }
  return out;
}

function isSchema(v: unknown): v is Schema {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function types(s: Schema): string[] | null {
  if (typeof s.type === 'string') return [s.type];
  if (Array.isArray(s.type)) return s.type.filter((t): t is string => typeof t === 'string');
  return null; // any type
}

function covers(after: string[], t: string): boolean {
  return after.includes(t) || (t === 'integer' && after.includes('number'));
}

function typeNarrowing(before: Schema, after: Schema, path: string): string[] {
  const now = types(after);
  if (now === null) return [];
  const was = types(before);
  if (was === null) return [`type of ${label(path)} narrowed to ${now.join('|')}`];
  const lost = was.filter((t) => !covers(now, t));
  return lost.length > 0 ? [`type of ${label(path)} narrowed from ${was.join('|')} to ${now.join('|')}`] : [];
}

/** enum and const: the values accepted, or null for any. */
function values(s: Schema): unknown[] | null {
  if ('const' in s) return [s.const];
  return Array.isArray(s.enum) ? s.enum : null;
}

function valueNarrowing(before: Schema, after: Schema, path: string): string[] {
  const now = values(after);
  if (now === null) return [];
  const was = values(before);
  if (was === null) return [`values of ${label(path)} restricted to ${now.map((v) => canonicalJson(v)).join(', ')}`];
  const keep = new Set(now.map((v) => canonicalJson(v)));
  const lost = was.map((v) => canonicalJson(v)).filter((v) => !keep.has(v));
  return lost.length > 0 ? [`${label(path)} no longer accepts ${lost.join(', ')}`] : [];
}

const LOWER_BOUNDS = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties'] as const;
const UPPER_BOUNDS = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties'] as const;

function boundNarrowing(before: Schema, after: Schema, path: string): string[] {
  const out: string[] = [];
  const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
  for (const k of LOWER_BOUNDS) {
    const now = num(after[k]);
    const was = num(before[k]);
    if (now !== undefined && (was === undefined || now > was)) out.push(`${k} of ${label(path)} raised to ${now}`);
  }
  for (const k of UPPER_BOUNDS) {
    const now = num(after[k]);
    const was = num(before[k]);
    if (now !== undefined && (was === undefined || now < was)) out.push(`${k} of ${label(path)} lowered to ${now}`);
  }
  if (typeof after.pattern === 'string' && after.pattern !== before.pattern) out.push(`pattern of ${label(path)} now ${JSON.stringify(after.pattern)}`);
  return out;
}

function props(s: Schema): Schema {
  return isSchema(s.properties) ? s.properties : {};
}

function required(s: Schema): Set<string> {
  return new Set(Array.isArray(s.required) ? s.required.filter((r): r is string => typeof r === 'string') : []);
}

function objectNarrowing(before: Schema, after: Schema, path: string): string[] {
  const out: string[] = [];
  const at = (name: string): string => (path === '' ? name : `${path}.${name}`);
  const wasProps = props(before);
  const nowProps = props(after);
  const wasRequired = required(before);
  for (const r of [...required(after)].sort()) {
    if (wasRequired.has(r)) continue;
    out.push(r in wasProps ? `property "${at(r)}" now required` : `new required property "${at(r)}"`);
  }
  for (const name of Object.keys(wasProps).sort()) {
    if (!(name in nowProps)) {
      out.push(`removed property "${at(name)}"`);
      continue;
    }
    const was = wasProps[name];
    const now = nowProps[name];
    if (isSchema(was) && isSchema(now)) out.push(...narrowed(was, now, at(name)));
  }
  if (after.additionalProperties === false && before.additionalProperties !== false) out.push(`${label(path)} no longer accepts additional properties`);
  return out;
}
