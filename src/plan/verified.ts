// Which instance counts as having passed a health gate before this run: the recorded deployment
// (same spec-hash, started no later than its gate passed). An instance of that spec started later,
// e.g. by a revert a crash interrupted, never passed one and is gated again.
import type { AppliedServer } from '../state/model.js';
import type { ApprovedTools } from './view.js';

/** The record is of this spec: the server's own hash or one of its replicas'. */
export function recordedSpec(rec: AppliedServer | undefined, specHash: string): rec is AppliedServer {
  return rec !== undefined && (rec.specHash === specHash || (rec.replicaHashes?.includes(specHash) ?? false));
}

/** The tools it showed when its gate passed, or null when it never passed one on record. */
export function recordedTools(rec: AppliedServer | undefined, inst: { specHash: string; startedAt: string }): string[] | null {
  const recorded = recordedSpec(rec, inst.specHash) && Date.parse(inst.startedAt) <= Date.parse(rec.deployedAt);
  return recorded ? [...(rec.tools ?? [])] : null;
}

/** The recorded version of an instance's spec (instances carry no version label). */
export function versionFromRecords(
  records: Readonly<Record<string, AppliedServer>>,
): (inst: { labels: { server: string; specHash: string } }) => string | undefined {
  return (inst) => {
    const rec = records[inst.labels.server];
    return recordedSpec(rec, inst.labels.specHash) ? rec.version : undefined;
  };
}

/** The tool surfaces on record, per server (records from before surfaces were kept have none). */
export function approvedTools(records: Readonly<Record<string, AppliedServer>>): Record<string, ApprovedTools> {
  const out: Record<string, ApprovedTools> = {};
  for (const r of Object.values(records)) {
    if (r.toolSurface) out[r.name] = { version: r.version, specHash: r.specHash, surface: r.toolSurface, inputSchemas: r.toolInputSchemas ?? {} };
  }
  return out;
}
