// The template context (vars, secrets, environment, server, and replica in port/env), built twice: once with real values
// for the runtime and once masked for display. Reads of unknown names are recorded so errors can
// say exactly which name was undefined.
import { MASK } from '../spec/desired.js';
import type { SecretReader } from './secrets.js';
import type { VarValue } from './variables.js';

export interface ContextInput {
  vars: Record<string, VarValue>;
  secretVarNames: ReadonlySet<string>;
  secrets: SecretReader;
  environment: string;
  server: { name: string; version: string };
  /** Rendering spec.port or spec.env of one replica: {{ replica.index }} (absent elsewhere). */
  replica?: { index: number };
}

export interface Recorder {
  /** `vars.x`, `secrets.y`, `server.z` read but not defined. */
  missing: Set<string>;
  /** Secret values handed to templates (real mode only). */
  secretValues: Set<string>;
}

function recording<T>(label: string, lookup: (name: string) => T | undefined, rec: Recorder): object {
  return new Proxy(Object.create(null) as object, {
    get(_t, name) {
      if (typeof name !== 'string') return undefined;
      const v = lookup(name);
      if (v === undefined) rec.missing.add(`${label}.${name}`);
      return v;
    },
    has: (_t, name) => typeof name === 'string' && lookup(name) !== undefined,
  });
}

export function buildContext(input: ContextInput, masked: boolean, rec: Recorder): Record<string, unknown> {
  const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
  return {
    vars: recording(
      'vars',
      (k) => {
        if (!own(input.vars, k)) return undefined;
        const v = input.vars[k];
        if (!input.secretVarNames.has(k)) return v;
        if (!masked) rec.secretValues.add(String(v));
        return masked ? MASK : v;
      },
      rec,
    ),
    secrets: recording(
      'secrets',
      (k) => {
        const v = input.secrets.read(k);
        if (v === undefined) return undefined;
        if (!masked) rec.secretValues.add(v);
        return masked ? MASK : v;
      },
      rec,
    ),
    environment: input.environment,
    server: recording('server', (k) => (own(input.server, k) ? (input.server as Record<string, string>)[k] : undefined), rec),
    replica: recording('replica', (k) => (input.replica && k === 'index' ? input.replica.index : undefined), rec),
  };
}
