// The child's stderr on the bridge's stderr (the pod log), line by line with secret values masked:
// `kubectl logs` and the termination message (the log tail) never show them.
import { Transform, type TransformCallback } from 'node:stream';
import { Masker } from '../render/mask.js';

const MAX_PENDING = 64 * 1024;

export interface RedactingLines {
  stream: Transform;
  /** The last non-empty line that went through, masked. */
  last(): string | undefined;
}

function lastNonEmpty(text: string): string | undefined {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .pop();
}

export function redactingLines(secretValues: readonly string[]): RedactingLines {
  const mask = new Masker(secretValues);
  let pending = '';
  let last: string | undefined;
  const keep = (out: string): string => {
    last = lastNonEmpty(out) ?? last;
    return out;
  };
  const stream = new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      pending += chunk.toString('utf8');
      const nl = pending.lastIndexOf('\n');
      if (nl === -1 && pending.length < MAX_PENDING) return done();
      const cut = nl === -1 ? pending.length : nl + 1;
      const out = pending.slice(0, cut);
      pending = pending.slice(cut);
      done(null, keep(mask.text(out)));
    },
    flush(done: TransformCallback) {
      done(null, pending === '' ? undefined : keep(mask.text(pending)));
    },
  });
  return { stream, last: () => last };
}
