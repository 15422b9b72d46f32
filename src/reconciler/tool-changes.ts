// The tool side of a rollout: what each rolled-out server changed of its tool surface against the
// version it replaced (history, /events), and the breaking-change check of a new instance's tools
// against what the replaced version had at its gate (state).
import type { GateTool } from '../health/index.js';
import type { DesiredServer } from '../spec/desired.js';
import type { AppliedServer } from '../state/model.js';
import { breakingChanges, describeBreaking } from '../tools/breaking.js';
import { diffSurface, isEmptyDiff, type SurfaceDiff } from '../tools/diff.js';
import { surfaceFrom } from '../tools/surface.js';
import type { ConvergeOutcome } from './converge.js';

/**
 * Per server started by `out`: its surface diff against its record (the version it replaced); a
 * server without a record is new (every tool added); a record from before surfaces were kept has
 * nothing to compare with. Unchanged surfaces are left out; undefined when nothing changed.
 */
export function toolChanges(records: Readonly<Record<string, AppliedServer>>, out: ConvergeOutcome): Record<string, SurfaceDiff> | undefined {
  const changes: Record<string, SurfaceDiff> = {};
  for (const o of out.outcomes.values()) {
    if (o.status !== 'started' || !o.surface) continue;
    const rec = records[o.server];
    if (rec && !rec.toolSurface) continue;
    const diff = diffSurface(rec?.toolSurface ?? surfaceFrom({}), o.surface);
    if (!isEmptyDiff(diff)) changes[o.server] = diff;
  }
  return Object.keys(changes).length > 0 ? changes : undefined;
}

/**
 * Why a new version's tools must not replace the recorded ones (breaking changes the spec does not
 * allow), or null. Nothing on record (a first deploy, an older state file) = nothing to break.
 */
export function refusedTools(rec: AppliedServer | undefined, server: DesiredServer, tools: readonly GateTool[]): string | null {
  if (!rec?.toolInputSchemas) return null;
  const after = Object.fromEntries(tools.map((t) => [t.name, t.inputSchema ?? null]));
  const changes = breakingChanges(rec.toolInputSchemas, after, {
    ...(server.tools?.allowRemoved && { allowRemoved: server.tools.allowRemoved }),
    ...(server.tools?.allowBreaking && { allowBreaking: server.tools.allowBreaking }),
  });
  return changes.length > 0 ? `breaking tool change: ${describeBreaking(changes)}` : null;
}
