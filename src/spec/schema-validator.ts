// JSON Schema validation (ajv, draft 2020-12) with errors turned into located, readable SpecErrors.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import serverSchema from '../../schemas/mcpserver.schema.json' with { type: 'json' };
import environmentSchema from '../../schemas/environment.schema.json' with { type: 'json' };
import { didYouMean } from './did-you-mean.js';
import { formatPath, positionOf, type PathSegment } from './positions.js';
import type { SpecError } from './spec-error.js';
import type { YamlDoc } from './yaml-docs.js';

export type Kind = 'MCPServer' | 'Environment';
export const KINDS: readonly Kind[] = ['MCPServer', 'Environment'];

type Schema = Record<string, unknown>;

export interface SchemaValidator {
  validate(kind: Kind, doc: YamlDoc): SpecError[];
}

export function createSchemaValidator(): SchemaValidator {
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true, strictRequired: false });
  const validators: Record<Kind, { fn: ValidateFunction; root: Schema }> = {
    MCPServer: { fn: ajv.compile(serverSchema), root: serverSchema },
    Environment: { fn: ajv.compile(environmentSchema), root: environmentSchema },
  };
  return {
    validate(kind, doc) {
      const v = validators[kind];
      if (v.fn(doc.value)) return [];
      return (v.fn.errors ?? []).flatMap((e) => toSpecErrors(e, doc, v.root));
    },
  };
}

function pathOf(instancePath: string): PathSegment[] {
  if (instancePath === '') return [];
  return instancePath.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** Property names a schema node accepts, following local $refs and allOf. */
function allowedKeys(node: unknown, root: Schema, depth = 0): string[] {
  if (!node || typeof node !== 'object' || depth > 8) return [];
  const s = node as Schema;
  const keys = Object.keys((s.properties as Schema | undefined) ?? {});
  if (typeof s.$ref === 'string' && s.$ref.startsWith('#/')) {
    const target = s.$ref.slice(2).split('/').reduce<unknown>((acc, k) => (acc as Schema | undefined)?.[k], root);
    keys.push(...allowedKeys(target, root, depth + 1));
  }
  for (const sub of (s.allOf as unknown[] | undefined) ?? []) keys.push(...allowedKeys(sub, root, depth + 1));
  return keys;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer' : 'a number';
  return `a ${typeof v}`;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string', integer: 'an integer', number: 'a number', boolean: 'a boolean',
  object: 'a mapping', array: 'a list', null: 'null',
};

function patternMessage(e: ErrorObject): string {
  if (e.schemaPath.includes('dnsName') || e.instancePath.endsWith('/metadata/name')) {
    return 'must be a DNS label: lowercase letters, digits and "-", 1 to 63 characters, starting and ending with a letter or digit';
  }
  const pattern = String((e.params as { pattern?: string }).pattern);
  if (pattern === '^/') return 'must start with "/"';
  if (pattern.startsWith('^[A-Za-z_]')) return 'must be a name of letters, digits and "_", not starting with a digit';
  return `must match ${pattern}`;
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
      const key = String(params.additionalProperty ?? params.unevaluatedProperty);
      return at([...base, key], `unknown field${didYouMean(key, allowedKeys(e.parentSchema, root))}`, true);
    }
    case 'propertyNames':
      return []; // the nested error (with propertyName) says it better
    case 'type': {
      const expected = String(params.type).split(',').map((t) => TYPE_WORDS[t] ?? t).join(' or ');
      return at(base, `must be ${expected}, got ${typeName(e.data)}`);
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const hint = typeof e.data === 'string' ? didYouMean(e.data, allowed) : '';
      return at(base, `must be one of: ${allowed.join(', ')}${hint}`);
    }
    case 'const':
      return at(base, `must be ${JSON.stringify(params.allowedValue)}`);
    case 'pattern':
      if (typeof params.propertyName === 'string' || e.propertyName !== undefined) {
        const key = String(e.propertyName ?? params.propertyName);
        return at([...base, key], `key ${patternMessage(e)}`, true);
      }
      return at(base, patternMessage(e));
    case 'minLength':
      return at(base, 'must not be empty');
    case 'uniqueItems':
      return at([...base, Number(params.i)], `duplicate of item ${String(params.j)}`);
    default:
      return at(base, e.message ?? 'is invalid');
  }
}
