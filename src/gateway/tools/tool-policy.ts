// Which tools of one instance reach clients, and which calls go through: spec.tools.allow / deny
// (names and globs) and, with spec.tools.pin: enforce, only the surface approved at the gate. Pure:
// it takes the approved surface and what the server lists, and says yes or why not.
import type { ToolPin, ToolSettings } from '../../spec/desired.js';
import { toolNameFilter, type ToolNameFilter } from '../../tools/name-filter.js';
import { SURFACE_PARTS, type SurfacePart, type ToolHashes, type ToolSurface } from '../../tools/surface.js';

/** Why a tool is hidden or a call refused (the codes are the gateway's JSON-RPC error codes). */
export interface ToolRefusal {
  code: 'TOOL_NOT_ALLOWED' | 'TOOL_DRIFT';
  tool: string;
  message: string;
  /** TOOL_DRIFT: the parts that changed since the gate; absent = the tool was not approved at all. */
  changed?: SurfacePart[];
}

export class ToolPolicy {
  readonly pin: ToolPin;
  private readonly named: ToolNameFilter;
  /** Whether allow or deny say anything (else every name passes). */
  readonly filters: boolean;

  constructor(
    private readonly server: string,
    settings: ToolSettings | undefined,
  ) {
    this.pin = settings?.pin ?? 'warn';
    this.named = toolNameFilter(settings);
    this.filters = settings?.allow !== undefined || (settings?.deny?.length ?? 0) > 0;
  }

  /**
   * Whether `tool` may reach clients. `hashes`: what the server says of it now (a tools/list entry,
   * or the latest one seen before a call; undefined = not seen since the gate). `approved`: the
   * surface approved at the gate (undefined = unknown: nothing is pinned).
   */
  refusal(tool: string, hashes: ToolHashes | undefined, approved: ToolSurface | undefined): ToolRefusal | undefined {
    if (!this.named(tool)) {
      return {
        code: 'TOOL_NOT_ALLOWED',
        tool,
        message: `tool ${tool} of server ${this.server} is not exposed by the gateway (spec.tools.allow / spec.tools.deny)`,
      };
    }
    if (this.pin !== 'enforce' || approved === undefined) return undefined;
    const was = approved.tools[tool];
    if (!was) {
      return {
        code: 'TOOL_DRIFT',
        tool,
        message: `tool ${tool} of server ${this.server} was not approved at its gate (tool drift: added at run time without a commit; spec.tools.pin: enforce)`,
        changed: [],
      };
    }
    const changed = hashes ? SURFACE_PARTS.filter((p) => was[p] !== hashes[p]) : [];
    if (changed.length === 0) return undefined;
    return {
      code: 'TOOL_DRIFT',
      tool,
      message: `tool ${tool} of server ${this.server} changed since its gate (tool drift: ${changed.join(', ')} changed without a commit; spec.tools.pin: enforce)`,
      changed,
    };
  }
}
