// The text view of `mcp-gitops tools <server>`: a server's approved tool surface (short hashes per
// part) and, when the daemon reports one, its tool drift.
import type { ToolSurface } from '../tools/surface.js';
import { short, table } from './daemon-format.js';

/**
 * `/status` `servers[].toolDrift` as this CLI reads it (written by the gateway's pinning; older
 * daemons have none). Only the fields shown are read, each optional.
 */
export interface ToolDriftView {
  at?: string;
  since?: string;
  added?: string[];
  removed?: string[];
  changed?: ({ name: string; parts?: string[] } | string)[];
}

export interface ToolsView {
  server: string;
  version: string;
  commit: string | null;
  toolSurface: ToolSurface | null;
  toolDrift?: ToolDriftView | null;
}

/** `sha256:1a2b…` -> `1a2b3c4d5e6f` (12 hex digits: enough to tell versions apart at a glance). */
export function shortHash(h: string | undefined): string {
  return h ? h.replace(/^sha256:/, '').slice(0, 12) : '-';
}

/** What drifted of each tool: `changed: description`, `removed`, `added (not approved)`. */
function driftByTool(d: ToolDriftView): Map<string, string> {
  const out = new Map<string, string>();
  for (const n of d.removed ?? []) out.set(n, 'removed');
  for (const n of d.added ?? []) out.set(n, 'added (not approved)');
  for (const c of d.changed ?? []) {
    if (typeof c === 'string') out.set(c, 'changed');
    else out.set(c.name, c.parts && c.parts.length > 0 ? `changed: ${c.parts.join(',')}` : 'changed');
  }
  return out;
}

export function toolsText(v: ToolsView): string {
  const head = `Server:   ${v.server}\nVersion:  ${v.version || '-'}\nCommit:   ${short(v.commit)}\nSurface:  ${v.toolSurface?.hash ?? '-'}\n`;
  if (!v.toolSurface) return `${head}\nNo tool surface recorded yet (no gate has passed since tool surfaces are kept).\n`;
  const drift = v.toolDrift ? driftByTool(v.toolDrift) : null;
  const names = [...new Set([...Object.keys(v.toolSurface.tools), ...(drift ? drift.keys() : [])])].sort();
  const header = ['TOOL', 'DESCRIPTION', 'INPUT', 'OUTPUT', 'ANNOTATIONS', ...(drift ? ['DRIFT'] : [])];
  const rows = names.map((n) => {
    const t = v.toolSurface!.tools[n];
    return [
      n,
      shortHash(t?.description),
      shortHash(t?.inputSchema),
      shortHash(t?.outputSchema),
      shortHash(t?.annotations),
      ...(drift ? [drift.get(n) ?? '-'] : []),
    ];
  });
  const driftLine = v.toolDrift ? `Drift:    since ${v.toolDrift.since ?? v.toolDrift.at ?? '-'}\n` : '';
  const body = names.length > 0 ? table(header, rows) : 'No tools.\n';
  return `${head}${driftLine}\n${body}`;
}
