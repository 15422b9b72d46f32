// What changed between two tool surfaces: tools added, removed, and for each changed tool which
// parts moved. Used per rollout (the version replaced vs the new one) and at run time (approved vs
// what the server lists now: tool drift).
import { SURFACE_PARTS, type SurfacePart, type ToolSurface } from './surface.js';

export interface ToolChange {
  name: string;
  parts: SurfacePart[];
}

export interface SurfaceDiff {
  added: string[];
  removed: string[];
  changed: ToolChange[];
}

export function diffSurface(before: ToolSurface, after: ToolSurface): SurfaceDiff {
  const added = Object.keys(after.tools).filter((n) => !(n in before.tools));
  const removed = Object.keys(before.tools).filter((n) => !(n in after.tools));
  const changed: ToolChange[] = [];
  for (const [name, was] of Object.entries(before.tools)) {
    const now = after.tools[name];
    if (!now) continue;
    const parts = SURFACE_PARTS.filter((p) => was[p] !== now[p]);
    if (parts.length > 0) changed.push({ name, parts });
  }
  return { added: added.sort(), removed: removed.sort(), changed: changed.sort((a, b) => (a.name < b.name ? -1 : 1)) };
}

export function isEmptyDiff(d: SurfaceDiff): boolean {
  return d.added.length === 0 && d.removed.length === 0 && d.changed.length === 0;
}

/** One line for messages and events: `+search -fetch ~echo(description,inputSchema)`. */
export function describeDiff(d: SurfaceDiff): string {
  return [...d.added.map((n) => `+${n}`), ...d.removed.map((n) => `-${n}`), ...d.changed.map((c) => `~${c.name}(${c.parts.join(',')})`)].join(' ');
}
