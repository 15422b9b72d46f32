// The daemon's durable state as it is on disk: must parse after any crash, and its history must
// only ever grow (no entry lost, none duplicated, an interrupted sync recorded as such).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DaemonState } from '../../../src/state/model.js';

/** Reads <state-dir>/state.json; null when no state was written yet. Throws when it does not parse. */
export function readState(stateDir: string): DaemonState | null {
  let raw: string;
  try {
    raw = readFileSync(join(stateDir, 'state.json'), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  const s = JSON.parse(raw) as DaemonState;
  if (s.schemaVersion !== 1 || !Array.isArray(s.history) || typeof s.nextSyncId !== 'number') {
    throw new Error(`state.json has an unexpected shape: ${raw.slice(0, 300)}`);
  }
  return s;
}

/** Problems with one history: duplicated ids, ids not newest first, ids at or past nextSyncId. */
export function historyProblems(s: DaemonState): string[] {
  const out: string[] = [];
  const ids = s.history.map((h) => h.id);
  if (new Set(ids).size !== ids.length) out.push(`duplicated history ids: ${ids.join(',')}`);
  for (let i = 1; i < ids.length; i++) if (ids[i] >= ids[i - 1]) out.push(`history not newest first at ${i}: ${ids.join(',')}`);
  if (ids.some((id) => id >= s.nextSyncId)) out.push(`history id >= nextSyncId ${s.nextSyncId}: ${ids.join(',')}`);
  const succeeded = s.history.filter((h) => h.result === 'succeeded').map((h) => h.commit);
  if (new Set(succeeded).size !== succeeded.length) out.push(`a commit succeeded twice: ${succeeded.join(',')}`);
  return out;
}

/** What an earlier durable state promised that a later one must keep: its entries, and its in-flight sync recorded. */
export function lostEntries(before: DaemonState, after: DaemonState): string[] {
  const out: string[] = [];
  const later = new Map(after.history.map((h) => [h.id, h]));
  for (const h of before.history) {
    const x = later.get(h.id);
    if (!x || x.commit !== h.commit || x.result !== h.result)
      out.push(`history entry ${h.id} (${h.commit.slice(0, 7)} ${h.result}) lost or changed: ${JSON.stringify(x)}`);
  }
  if (before.inFlight) {
    const x = later.get(before.inFlight.id);
    if (!x || x.result !== 'failed' || x.commit !== before.inFlight.commit) {
      out.push(`sync ${before.inFlight.id} was in flight at the crash but is not recorded as failed: ${JSON.stringify(x)}`);
    }
  }
  return out;
}
