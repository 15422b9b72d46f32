// Typed variables: declared on a server, valued by the Environment, a secret (token variables)
// or their default; checked before anything renders.
import type { Environment, Variable } from '../spec/generated.js';
import type { PathSegment } from '../spec/positions.js';
import type { SecretReader } from './secrets.js';

export type VarValue = string | boolean | number;

export interface VariableProblem {
  /** Where to point: the Environment's value or the server's declaration. */
  where: { in: 'environment'; path: PathSegment[] } | { in: 'server'; path: PathSegment[] };
  message: string;
}

export interface ResolvedVariables {
  vars: Record<string, VarValue>;
  /** Names whose values are secret (token variables): masked on display. */
  secretNames: Set<string>;
  problems: VariableProblem[];
}

function typeProblem(decl: Variable, value: VarValue): string | undefined {
  switch (decl.type ?? 'string') {
    case 'boolean':
      if (typeof value === 'boolean') return undefined;
      return `variable "${decl.name}" must be a boolean (true or false without quotes), got ${typeof value === 'string' ? `the string ${JSON.stringify(value)}` : String(value)}`;
    case 'url': {
      if (typeof value !== 'string') return `variable "${decl.name}" must be a URL string`;
      // `localhost:8080` parses as a URL with scheme "localhost:"; require scheme://host.
      let ok = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#\s]/.test(value);
      try {
        new URL(value);
      } catch {
        ok = false;
      }
      return ok ? undefined : `variable "${decl.name}" must be an absolute URL such as https://host/path, got ${JSON.stringify(value)}`;
    }
    case 'token':
      return typeof value === 'string' && value.length > 0 ? undefined : `variable "${decl.name}" must be a non-empty string`;
    default:
      return typeof value === 'boolean' ? `variable "${decl.name}" must be a string, got a boolean` : undefined;
  }
}

export function resolveVariables(
  declared: readonly Variable[],
  environment: Environment | undefined,
  secrets: SecretReader,
  /** YAML path of spec.variables in the server document (after overlay). */
  declPath: (index: number, field?: string) => PathSegment[],
): ResolvedVariables {
  const envVars = environment?.spec.variables ?? {};
  const vars: Record<string, VarValue> = {};
  const secretNames = new Set<string>();
  const problems: VariableProblem[] = [];
  const seen = new Map<string, number>();
  declared.forEach((d, i) => {
    const first = seen.get(d.name);
    if (first !== undefined) {
      problems.push({
        where: { in: 'server', path: declPath(i, 'name') },
        message: `duplicate variable "${d.name}" (first declared as spec.variables[${first}]); remove one`,
      });
      return;
    }
    seen.set(d.name, i);
    const isToken = d.type === 'token';
    if (isToken) secretNames.add(d.name);
    let value: VarValue | undefined;
    let where: VariableProblem['where'];
    if (Object.prototype.hasOwnProperty.call(envVars, d.name)) {
      value = envVars[d.name];
      where = { in: 'environment', path: ['spec', 'variables', d.name] };
    } else if (isToken && secrets.read(d.name) !== undefined) {
      value = secrets.read(d.name);
      where = { in: 'server', path: declPath(i) };
    } else {
      value = d.default;
      where = { in: 'server', path: declPath(i, d.default === undefined ? undefined : 'default') };
    }
    if (value === undefined) {
      if (d.required) {
        problems.push({
          where,
          message: isToken
            ? `required token variable "${d.name}" has no value: ${secrets.describe(d.name)}, and no Environment sets it`
            : `required variable "${d.name}" has no value: set it in an Environment or give it a default`,
        });
      }
      return;
    }
    const bad = typeProblem(d, value);
    if (bad) {
      problems.push({ where, message: isToken ? `variable "${d.name}" must be a non-empty string` : bad });
      return;
    }
    vars[d.name] = value;
  });
  for (const [k, v] of Object.entries(envVars)) if (!seen.has(k)) vars[k] = v;
  return { vars, secretNames, problems };
}
