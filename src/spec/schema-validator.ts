// JSON Schema validation (ajv, draft 2020-12) with errors turned into located, readable SpecErrors.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import serverSchema from '../../schemas/mcpserver.schema.json' with { type: 'json' };
import environmentSchema from '../../schemas/environment.schema.json' with { type: 'json' };
import notifierSchema from '../../schemas/notifier.schema.json' with { type: 'json' };
import { isScalar } from 'yaml';
import { closest, didYouMean } from './did-you-mean.js';
import { formatPath, nodeAt, positionOf, type PathSegment } from './positions.js';
import type { SpecError } from './spec-error.js';
import type { YamlDoc } from './yaml-docs.js';

export type Kind = 'MCPServer' | 'Environment' | 'Notifier';
export const KINDS: readonly Kind[] = ['MCPServer', 'Environment', 'Notifier'];

type Schema = Record<string, unknown>;

export interface SchemaValidator {
  validate(kind: Kind, doc: YamlDoc): SpecError[];
}

export function createSchemaValidator(): SchemaValidator {
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true, strictRequired: false, discriminator: true });
  const validators: Record<Kind, { fn: ValidateFunction; root: Schema }> = {
    MCPServer: { fn: ajv.compile(serverSchema), root: serverSchema },
    Environment: { fn: ajv.compile(environmentSchema), root: environmentSchema },
    Notifier: { fn: ajv.compile(notifierSchema), root: notifierSchema },
  };
  return {
    validate(kind, doc) {
      const v = validators[kind];
      if (v.fn(doc.value)) return [];
      const errors = v.fn.errors ?? [];
      // `specs:` instead of `spec:` is one mistake: report the unknown field (with its hint),
      // not also the required field it was meant to be.
      const typos = new Set<string>();
      for (const e of errors) {
        const key = unknownKey(e);
        const meant = key === undefined ? undefined : closest(key, allowedKeys(e.parentSchema, v.root));
        if (meant !== undefined) typos.add(`${e.instancePath}/${meant}`);
      }
      return errors
        .filter((e) => !(e.keyword === 'required' && typos.has(`${e.instancePath}/${String((e.params as { missingProperty?: unknown }).missingProperty)}`)))
        .flatMap((e) => toSpecErrors(e, doc, v.root));
    },
  };
}

function unknownKey(e: ErrorObject): string | undefined {
  if (e.keyword !== 'additionalProperties' && e.keyword !== 'unevaluatedProperties') return undefined;
  const p = e.params as { additionalProperty?: unknown; unevaluatedProperty?: unknown };
  return String(p.additionalProperty ?? p.unevaluatedProperty);
}

function pathOf(instancePath: string): PathSegment[] {
  if (instancePath === '') return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** Property names a schema node accepts, following local $refs and allOf. */
function allowedKeys(node: unknown, root: Schema, depth = 0): string[] {
  if (!node || typeof node !== 'object' || depth > 8) return [];
  const s = node as Schema;
  const keys: string[] = [];
  if (typeof s.$ref === 'string' && s.$ref.startsWith('#/')) {
    const target = s.$ref
      .slice(2)
      .split('/')
      .reduce<unknown>((acc, k) => (acc as Schema | undefined)?.[k], root);
    keys.push(...allowedKeys(target, root, depth + 1));
  }
  for (const sub of (s.allOf as unknown[] | undefined) ?? []) keys.push(...allowedKeys(sub, root, depth + 1));
  // Shared fields (allOf) first, then the node's own, as a reader of the schema meets them.
  keys.push(...Object.keys((s.properties as Schema | undefined) ?? {}));
  return keys;
}

function typeName(v: unknown, source?: string): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  // .nan, .inf and literals too large for a double (1e400) are numbers to YAML, but no usable value
  if (typeof v === 'number' && Number.isNaN(v)) return `not-a-number (${source ?? '.nan'})`;
  if (typeof v === 'number' && !Number.isFinite(v))
    return `an infinite number (${source ?? String(v)}${source && !/inf/i.test(source) ? ' is too large' : ''})`;
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer' : 'a number';
  return `a ${typeof v}`;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'a boolean',
  object: 'a mapping',
  array: 'a list',
  null: 'null',
};

function orList(words: string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

/** A fix for the commonest type slips: `version: 1.10` (needs quotes), `port: "3000"` (must not have them). */
function typeHint(expected: string[], data: unknown, source: string | undefined): string {
  if (expected.includes('string') && (typeof data === 'number' || typeof data === 'boolean')) {
    return ` (quote it: "${source ?? String(data)}")`;
  }
  if (expected.includes('array') && (typeof data === 'string' || typeof data === 'number')) {
    return ` (write a list: [${JSON.stringify(source ?? String(data))}])`;
  }
  if (typeof data === 'string' && data.trim() !== '') {
    if ((expected.includes('integer') || expected.includes('number')) && !Number.isNaN(Number(data))) {
      if (expected.includes('number') || Number.isInteger(Number(data))) return ` (remove the quotes: ${data.trim()})`;
    }
    if (expected.includes('boolean') && (data === 'true' || data === 'false')) return ` (remove the quotes: ${data})`;
  }
  return '';
}

export const DNS_LABEL = '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$';
const NAME = '^[A-Za-z_][A-Za-z0-9_]*$';
const TEMPLATE = '\\{\\{';

function dnsLabelProblem(v: string): string {
  const fixed = v
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const hint = fixed !== v && new RegExp(DNS_LABEL).test(fixed) ? ` (did you mean "${fixed}"?)` : '';
  if (v.length > 63) return `must be a DNS label of at most 63 characters, got ${v.length}`;
  if (/[^a-z0-9-]/.test(v.toLowerCase())) {
    const bad = [...new Set(v.toLowerCase().replace(/[a-z0-9-]/g, ''))].map((c) => JSON.stringify(c)).join(', ');
    return `must be a DNS label: only lowercase letters, digits and "-", found ${bad}${hint}`;
  }
  if (/[A-Z]/.test(v)) return `must be a DNS label: lowercase only${hint}`;
  return `must be a DNS label: start and end with a letter or digit${hint}`;
}

function nameProblem(v: string): string {
  const fixed = v.replace(/[^A-Za-z0-9_]/g, '_');
  const hint = fixed !== v && new RegExp(NAME).test(fixed) ? ` (did you mean "${fixed}"?)` : '';
  return `must be a name of letters, digits and "_", not starting with a digit${hint}`;
}

function patternMessage(pattern: string, value: unknown): string {
  const v = typeof value === 'string' ? value : '';
  if (v === '') return 'must not be empty';
  if (pattern === DNS_LABEL) return dnsLabelProblem(v);
  if (pattern === NAME) return nameProblem(v);
  if (pattern === '^/') return `must start with "/" (did you mean "/${v}"?)`;
  if (pattern === TEMPLATE) {
    // spec.port: a number, or a template that renders to one ({{ replica.index }})
    const n = Number(v.trim());
    if (Number.isInteger(n)) return `must be an integer, got a string (remove the quotes: ${v.trim()})`;
    return 'must be an integer, got a string';
  }
  return `must match ${pattern}`;
}

/** The `const` of the tag property in each oneOf branch of a discriminated schema. */
function discriminatorValues(node: unknown, root: Schema): string[] {
  const s = (node ?? {}) as Schema;
  const tag = (s.discriminator as { propertyName?: string } | undefined)?.propertyName ?? 'type';
  return ((s.oneOf as Schema[] | undefined) ?? []).map((b) => {
    const target =
      typeof b.$ref === 'string'
        ? b.$ref
            .slice(2)
            .split('/')
            .reduce<unknown>((acc, k) => (acc as Schema | undefined)?.[k], root)
        : b;
    return String(((target as Schema).properties as Record<string, Schema>)[tag]?.const);
  });
}

function toSpecErrors(e: ErrorObject, doc: YamlDoc, root: Schema): SpecError[] {
  const base = pathOf(e.instancePath);
  const at = (path: PathSegment[], message: string, atKey = false): SpecError[] => {
    const p = positionOf(doc.doc, doc.lc, path, atKey);
    return [{ file: doc.file, line: p.line, col: p.col, field: formatPath(path), message }];
  };
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return at([...base, String(params.missingProperty)], 'required field missing');
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const key = unknownKey(e)!;
      const allowed = [...new Set(allowedKeys(e.parentSchema, root))];
      const hint = didYouMean(key, allowed);
      return at([...base, key], hint !== '' || allowed.length === 0 ? `unknown field${hint}` : `unknown field; allowed here: ${allowed.join(', ')}`, true);
    }
    case 'propertyNames':
      return []; // the nested error (with propertyName) says it better
    case 'type': {
      // spec.port: a string there is only a template ({{ replica.index }}); people mean a number
      const templated = e.parentSchema?.pattern === TEMPLATE;
      const expected = String(params.type)
        .split(',')
        .filter((t) => !templated || t !== 'string');
      const node = nodeAt(doc.doc, base);
      const source = isScalar(node) ? (node as { source?: string }).source : undefined;
      const got = e.data === null && !source ? 'an empty value' : typeName(e.data, source);
      return at(base, `must be ${orList(expected.map((t) => TYPE_WORDS[t] ?? t))}, got ${got}${typeHint(expected, e.data, source)}`);
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const hint = typeof e.data === 'string' ? didYouMean(e.data, allowed) : '';
      return at(base, `must be one of: ${allowed.join(', ')}${hint}`);
    }
    case 'const':
      return at(base, `must be ${JSON.stringify(params.allowedValue)}`);
    case 'discriminator': {
      // a tagged union (health.checks[].type): name the tag's field and the values it may take
      const tag = String(params.tag);
      const options = discriminatorValues(e.parentSchema, root);
      const hint = typeof params.tagValue === 'string' ? didYouMean(params.tagValue, options) : '';
      return at([...base, tag], params.error === 'tag' ? 'required field missing' : `must be one of: ${options.join(', ')}${hint}`);
    }
    case 'pattern':
      if (e.propertyName !== undefined) {
        return at([...base, e.propertyName], `key ${patternMessage(String(params.pattern), e.propertyName)}`, true);
      }
      return at(base, patternMessage(String(params.pattern), e.data));
    case 'minLength':
      return at(base, 'must not be empty');
    case 'maximum':
      return at(base, `must be at most ${String(params.limit)}, got ${String(e.data)}`);
    case 'minimum':
      return at(base, `must be at least ${String(params.limit)}, got ${String(e.data)}`);
    case 'exclusiveMinimum':
      return at(base, `must be greater than ${String(params.limit)}, got ${String(e.data)}`);
    case 'exclusiveMaximum':
      return at(base, `must be less than ${String(params.limit)}, got ${String(e.data)}`);
    case 'uniqueItems': {
      // ajv names the pair (i, j) in either order; point at the later copy.
      const [first, later] = [Number(params.i), Number(params.j)].sort((a, b) => a - b);
      const items = Array.isArray(e.data) ? (e.data as unknown[]) : [];
      return at([...base, later], `${JSON.stringify(items[later])} is listed twice (first at index ${first}); remove one`);
    }
    default:
      return at(base, e.message ?? 'is invalid');
  }
}
