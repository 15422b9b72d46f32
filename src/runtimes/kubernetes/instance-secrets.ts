// The secret values of an instance, read back from its Secret, so a daemon that adopted it (and so
// never saw the rendered spec) still masks them in exit lines.
import type { KubeApi } from './kube-api.js';
import type { Logger } from '../logger.js';
import { instanceSelector } from './names.js';

export async function readSecretValues(api: KubeApi, id: string, logger: Logger): Promise<string[]> {
  try {
    const secrets = await api.list('Secret', instanceSelector(id));
    return secrets.filter((s) => s.metadata?.name === id).flatMap((s) => Object.values(s.data ?? {}).map((b64) => Buffer.from(b64, 'base64').toString('utf8')));
  } catch (err) {
    logger.warn({ id, err: err instanceof Error ? err.message : String(err) }, 'cannot read the instance Secret to mask its values in messages');
    return [];
  }
}
