// Which namespace the runtime works in: --namespace, else the daemon's own (the service account's
// namespace file in a pod), else `mcp-gitops`.
import { readFileSync } from 'node:fs';
import { RuntimeError } from '../errors.js';

export const SERVICE_ACCOUNT_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';
export const DEFAULT_NAMESPACE = 'mcp-gitops';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function readOwn(file: string): string | undefined {
  try {
    const ns = readFileSync(file, 'utf8').trim();
    return ns === '' ? undefined : ns;
  } catch {
    return undefined; // not in a pod
  }
}

/** What a 404 on a create (or apply) means: the namespace itself is missing; an operator creates it. */
export function namespaceMissing(namespace: string, cause?: unknown): RuntimeError {
  return new RuntimeError(
    'K8S_NAMESPACE_NOT_FOUND',
    `namespace "${namespace}" does not exist: create it (kubectl create namespace ${namespace}) or choose another with --namespace`,
    { namespace },
    { cause },
  );
}

export function resolveNamespace(flag: string | undefined, file = SERVICE_ACCOUNT_NAMESPACE_FILE): string {
  const ns = flag ?? readOwn(file) ?? DEFAULT_NAMESPACE;
  if (!DNS_LABEL.test(ns)) {
    throw new RuntimeError('K8S_CONFIG', `namespace "${ns}" is not a valid Kubernetes namespace name (lowercase letters, digits and "-", at most 63)`, {
      namespace: ns,
    });
  }
  return ns;
}
