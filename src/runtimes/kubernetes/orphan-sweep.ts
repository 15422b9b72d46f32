// Services and Secrets of ours whose Deployment is gone: left by a daemon that crashed between the
// applies of a start (Secret and Deployment go first, the Service last). Deleted once they are old
// enough that no start can still be under way; only objects with our labels and instance names.
import { fromLabelMap } from '../runtime.js';
import type { KubeApi } from './kube-api.js';
import type { Logger } from '../logger.js';
import { isInstanceName, MANAGED_SELECTOR } from './names.js';

/** Old enough: no start() waits this long before its Deployment exists. */
export const ORPHAN_AGE_MS = 10 * 60_000;

export interface SweepOptions {
  api: KubeApi;
  logger: Logger;
  /** Instances not to touch: those with a Deployment, starting now, or being removed. */
  keep: (name: string) => boolean;
  now?: () => number;
}

export async function sweepOrphans(o: SweepOptions): Promise<void> {
  const now = (o.now ?? Date.now)();
  for (const kind of ['Service', 'Secret'] as const) {
    for (const obj of await o.api.list(kind, MANAGED_SELECTOR)) {
      const m = obj.metadata;
      const name = m?.name ?? '';
      if (!isInstanceName(name) || !fromLabelMap(m?.labels ?? {}) || o.keep(name)) continue;
      if (now - new Date(m?.creationTimestamp ?? now).getTime() < ORPHAN_AGE_MS) continue;
      if (await o.api.remove(kind, name, m?.uid)) o.logger.info({ kind, name }, 'deleted an orphaned object of an instance whose Deployment is gone');
    }
  }
}
