// The child's stderr on the bridge's stderr (the pod log), line by line with secret values masked:
// `kubectl logs` and the termination message (the log tail) never show them.
import { Transform, type TransformCallback } from 'node:stream';
import { scrub } from '../../../render/render-server.js';

const MAX_PENDING = 64 * 1024;

export function redactingLines(secretValues: readonly string[]): Transform {
  let pending = '';
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      pending += chunk.toString('utf8');
      const nl = pending.lastIndexOf('\n');
      if (nl === -1 && pending.length < MAX_PENDING) return done();
      const cut = nl === -1 ? pending.length : nl + 1;
      const out = pending.slice(0, cut);
      pending = pending.slice(cut);
      done(null, scrub(out, secretValues));
    },
    flush(done: TransformCallback) {
      done(null, pending === '' ? undefined : scrub(pending, secretValues));
    },
  });
}
