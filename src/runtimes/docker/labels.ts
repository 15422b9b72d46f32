// Container labels: the set of docs/reference/labels.md (runtime.ts) plus what the docker runtime needs to read a
// container back without any local state: its endpoint, its scope, which env keys hold secrets.
import { fromLabelMap, LABEL_MANAGED_BY, LABEL_MANAGED_BY_VALUE, type InstanceEndpoint, type InstanceLabels } from '../runtime.js';

export const LABEL_ENDPOINT = 'mcp-gitops/endpoint';
export const LABEL_TRANSPORT = 'mcp-gitops/transport';
/** Optional: separates daemons (or test runs) sharing one engine; each sees only its own scope. */
export const LABEL_SCOPE = 'mcp-gitops/scope';
/** Comma-separated env keys whose values hold secrets: lets an adopting daemon mask them too. */
export const LABEL_SECRET_ENV = 'mcp-gitops/secret-env';

/** Engine-side label filters (`key=value`, all must match) for list and events. */
export function labelFilters(scope: string | undefined): string[] {
  return [`${LABEL_MANAGED_BY}=${LABEL_MANAGED_BY_VALUE}`, ...(scope === undefined ? [] : [`${LABEL_SCOPE}=${scope}`])];
}

/** Our labels, or null for a container that is not ours (or not in our scope): never touch those. */
export function ownLabels(labels: Record<string, string> | undefined, scope: string | undefined): InstanceLabels | null {
  if (!labels) return null;
  if (scope !== undefined && labels[LABEL_SCOPE] !== scope) return null;
  return fromLabelMap(labels);
}

export function endpointLabels(endpoint: InstanceEndpoint): Record<string, string> {
  return endpoint.kind === 'http'
    ? { [LABEL_TRANSPORT]: endpoint.transport, [LABEL_ENDPOINT]: endpoint.url }
    : { [LABEL_TRANSPORT]: 'stdio', [LABEL_ENDPOINT]: 'stdio' };
}

/** The endpoint a container was created with; null when its labels do not say (then it is unusable). */
export function readEndpoint(labels: Record<string, string>): InstanceEndpoint | null {
  const transport = labels[LABEL_TRANSPORT],
    url = labels[LABEL_ENDPOINT];
  if (transport === 'stdio') return { kind: 'stdio' };
  if ((transport === 'streamable-http' || transport === 'sse') && url?.startsWith('http://')) return { kind: 'http', transport, url };
  return null;
}

/** Env keys whose values contain one of the secret values. */
export function secretEnvKeys(env: Record<string, string>, secretValues: readonly string[]): string[] {
  const secrets = secretValues.filter((s) => s.length > 0);
  return Object.keys(env)
    .filter((k) => secrets.some((s) => env[k].includes(s)))
    .sort();
}

/** The secret values of a container we did not start, read back from its env (`KEY=value` list). */
export function secretValuesFromEnv(labels: Record<string, string>, env: readonly string[] | undefined): string[] {
  const keys = new Set((labels[LABEL_SECRET_ENV] ?? '').split(',').filter((k) => k !== ''));
  if (keys.size === 0 || !env) return [];
  return env.flatMap((entry) => {
    const eq = entry.indexOf('=');
    return eq > 0 && keys.has(entry.slice(0, eq)) && eq < entry.length - 1 ? [entry.slice(eq + 1)] : [];
  });
}
