// Object names and label selectors. One instance = one name shared by its Deployment, Service and
// Secret: `mcp-<server>-<8 hex>`, a DNS-1035 label (Service names must start with a letter and
// stay within 63 characters; server names may start with a digit and use all 63).
import { LABEL_MANAGED_BY, LABEL_MANAGED_BY_VALUE } from '../runtime.js';

/** Ties the objects of one instance together; the Deployment selects its pods by it. */
export const LABEL_INSTANCE = 'mcp-gitops/instance';

export const ANNOTATION_VERSION = 'mcp-gitops/version';
export const ANNOTATION_TRANSPORT = 'mcp-gitops/transport';
export const ANNOTATION_PORT = 'mcp-gitops/port';
export const ANNOTATION_PATH = 'mcp-gitops/path';
/** health.restartsAllowed, read back by the status of the instance (so an adopting daemon applies it too). */
export const ANNOTATION_RESTARTS_ALLOWED = 'mcp-gitops/restarts-allowed';

const PREFIX = 'mcp-';
const SUFFIX_LENGTH = 8;
const MAX_NAME = 63;

export function instanceName(server: string, suffix: string): string {
  if (!/^[0-9a-f]{8}$/.test(suffix)) throw new Error(`instance suffix must be ${SUFFIX_LENGTH} hex digits`);
  const room = MAX_NAME - PREFIX.length - 1 - SUFFIX_LENGTH;
  const base = server.slice(0, room).replace(/-+$/, '');
  return `${PREFIX}${base}-${suffix}`;
}

const INSTANCE_NAME = /^mcp-[a-z0-9-]{0,50}-[0-9a-f]{8}$/;

export function isInstanceName(name: string): boolean {
  return name.length <= MAX_NAME && INSTANCE_NAME.test(name);
}

/** Everything this daemon manages in its namespace. */
export const MANAGED_SELECTOR = `${LABEL_MANAGED_BY}=${LABEL_MANAGED_BY_VALUE}`;

export function instanceSelector(id: string): string {
  return `${MANAGED_SELECTOR},${LABEL_INSTANCE}=${id}`;
}
