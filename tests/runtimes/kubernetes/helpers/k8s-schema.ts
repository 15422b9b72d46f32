// kubeconform-like checks without a cluster: JSON Schemas built from @kubernetes/client-node's own
// model metadata (every field of every API type, with its type), strict about unknown fields, plus
// the required fields the API server insists on for the kinds we ship. Validated with ajv.
import * as k8s from '@kubernetes/client-node';
import { Ajv, type ErrorObject } from 'ajv';

interface Attr {
  name: string;
  baseName: string;
  type: string;
  format: string;
}
type Model = { getAttributeTypeMap(): Attr[] };
type Schema = Record<string, unknown>;

const REQUIRED: Record<string, string[]> = {
  V1DeploymentSpec: ['selector', 'template'],
  V1Container: ['name', 'image'],
  V1ContainerPort: ['containerPort'],
  V1EnvVar: ['name'],
  V1SecretKeySelector: ['key', 'name'],
  V1Volume: ['name'],
  V1VolumeMount: ['name', 'mountPath'],
  V1PersistentVolumeClaimVolumeSource: ['claimName'],
  V1ServicePort: ['port'],
  V1PolicyRule: ['verbs'],
  V1RoleBinding: ['roleRef'],
  V1RoleRef: ['apiGroup', 'kind', 'name'],
  RbacV1Subject: ['kind', 'name'],
  V1HTTPGetAction: ['port'],
  V1TCPSocketAction: ['port'],
};

const API_VERSIONS: Record<string, string> = {
  Namespace: 'v1',
  ServiceAccount: 'v1',
  Secret: 'v1',
  Service: 'v1',
  PersistentVolumeClaim: 'v1',
  Pod: 'v1',
  Deployment: 'apps/v1',
  Role: 'rbac.authorization.k8s.io/v1',
  RoleBinding: 'rbac.authorization.k8s.io/v1',
  Lease: 'coordination.k8s.io/v1',
};

function model(name: string): Model | undefined {
  const m = (k8s as unknown as Record<string, unknown>)[name];
  return typeof m === 'function' && 'getAttributeTypeMap' in m ? (m as unknown as Model) : undefined;
}

function typeSchema(type: string, format: string, defs: Record<string, Schema>): Schema {
  const arr = /^Array<(.+)>$/.exec(type);
  if (arr) return { type: 'array', items: typeSchema(arr[1], format, defs) };
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) return { type: 'object', additionalProperties: typeSchema(map[1], format, defs) };
  switch (type) {
    case 'string':
      return { type: 'string' };
    case 'number':
      return format === 'int32' || format === 'int64' ? { type: 'integer' } : { type: 'number' };
    case 'boolean':
      return { type: 'boolean' };
    case 'Date':
      return { type: 'string' };
    case 'IntOrString':
      return { type: ['string', 'integer'] };
    case 'any':
    case 'object':
      return {};
    default:
      break;
  }
  if (!model(type)) return {};
  if (!defs[type]) {
    defs[type] = {}; // placeholder against cycles (JSONSchemaProps-like recursion)
    const properties = Object.fromEntries(
      model(type)!
        .getAttributeTypeMap()
        .map((a) => [a.baseName, typeSchema(a.type, a.format, defs)]),
    );
    defs[type] = { type: 'object', properties, additionalProperties: false, ...(REQUIRED[type] && { required: REQUIRED[type] }) };
  }
  return { $ref: `#/$defs/${type}` };
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validators = new Map<string, ReturnType<typeof ajv.compile>>();

function validatorFor(kind: string): ReturnType<typeof ajv.compile> | undefined {
  const cached = validators.get(kind);
  if (cached) return cached;
  const top = ['V1', 'RbacV1', 'CoreV1'].map((p) => `${p}${kind}`).find((n) => model(n));
  if (!top) return undefined;
  const defs: Record<string, Schema> = {};
  const root = typeSchema(top, '', defs);
  // metadata.name is required at the top only (pod templates have none)
  const v = ajv.compile({ ...root, $defs: defs, allOf: [{ required: ['apiVersion', 'kind', 'metadata'], properties: { metadata: { required: ['name'] } } }] });
  validators.set(kind, v);
  return v;
}

function describe(e: ErrorObject): string {
  const where = e.instancePath === '' ? '(root)' : e.instancePath.slice(1).replace(/\//g, '.');
  if (e.keyword === 'additionalProperties') return `${where}: unknown field "${String((e.params as { additionalProperty: string }).additionalProperty)}"`;
  return `${where}: ${e.message ?? e.keyword}`;
}

/** Problems with one object, as `<field path>: <message>` lines; [] when it is valid. */
export function validateObject(obj: unknown): string[] {
  const o = obj as { kind?: unknown; apiVersion?: unknown };
  if (typeof o?.kind !== 'string') return ['(root): kind is missing'];
  const v = validatorFor(o.kind);
  if (!v) return [`(root): kind ${o.kind} is not known to this check`];
  const problems: string[] = [];
  if (API_VERSIONS[o.kind] && o.apiVersion !== API_VERSIONS[o.kind])
    problems.push(`apiVersion: ${String(o.apiVersion)} is not ${API_VERSIONS[o.kind]} for ${o.kind}`);
  if (!v(obj)) problems.push(...(v.errors ?? []).map(describe));
  return [...new Set(problems)];
}
