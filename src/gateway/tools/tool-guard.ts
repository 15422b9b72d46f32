// One instance's tool surface at run time. Every tools/list answer passing through the gateway is
// compared with the surface approved at the gate (tool drift) and filtered (allow / deny, and with
// pin: enforce the approved surface only) before it reaches the client; every tools/call is checked
// first. A watcher of its own (tool-watch.ts) lists the tools again when the server says
// notifications/tools/list_changed, so drift is seen even when no client asks.
import type { Result } from '@modelcontextprotocol/sdk/types.js';
import type { ToolSettings } from '../../spec/desired.js';
import { diffSurface, describeDiff, isEmptyDiff, type SurfaceDiff } from '../../tools/diff.js';
import { hashTool, surfaceFrom, type ListedTool, type ToolHashes, type ToolSurface } from '../../tools/surface.js';
import type { GatewayMetrics } from '../metrics.js';
import type { GatewayLogger } from '../options.js';
import { ToolPolicy, type ToolRefusal } from './tool-policy.js';

/** What the gateway tells whoever listens (the daemon: /status, events) about one instance's tools. */
export interface ToolDriftReport {
  server: string;
  instanceId: string;
  /** When it was seen (ISO). */
  at: string;
  /** How the server's surface differs from the approved one; null = it is back to the approved one. */
  drift: SurfaceDiff | null;
  pin: ToolSettings['pin'] & string;
}

export type ToolDriftListener = (r: ToolDriftReport) => void;

/** What a client session needs of the guard. */
export interface SessionTools {
  /** Whether anything is checked at all (else sessions pass tools/* through untouched). */
  readonly active: boolean;
  /** A tools/list result as the client may see it; `cursor`: the request's (a page of a longer list). */
  listResult(result: Result, cursor: unknown): Result;
  /** Why a tools/call of `tool` is refused, if it is. */
  callRefusal(tool: string): ToolRefusal | undefined;
}

export interface ToolGuardOptions {
  server: string;
  instanceId: string;
  settings: ToolSettings | undefined;
  /** The surface approved at the gate; undefined = the first full list the gateway sees is taken. */
  approved: ToolSurface | undefined;
  metrics: Pick<GatewayMetrics, 'toolDrift'>;
  logger: GatewayLogger;
  onDrift?: ToolDriftListener;
  now?: () => number;
}

function listedTools(result: Result): ListedTool[] {
  const tools = (result as { tools?: unknown }).tools;
  if (!Array.isArray(tools)) return [];
  return tools.filter((t): t is ListedTool => typeof t === 'object' && t !== null && typeof (t as ListedTool).name === 'string');
}

export class ToolGuard implements SessionTools {
  readonly policy: ToolPolicy;
  private approved: ToolSurface | undefined;
  /** The server's tools as last seen (full lists replace it, pages update it). */
  private seen: Record<string, ToolHashes> | undefined;
  /** Hash of the drifted surface last reported (each new one is reported and counted once). */
  private driftHash: string | undefined;

  constructor(private readonly o: ToolGuardOptions) {
    this.policy = new ToolPolicy(o.server, o.settings);
    this.approved = o.approved;
  }

  get active(): boolean {
    return this.policy.pin !== 'off' || this.policy.filters;
  }

  get pinning(): boolean {
    return this.policy.pin !== 'off';
  }

  /** The approved surface (from the gate, or taken from the first full list). */
  get approvedSurface(): ToolSurface | undefined {
    return this.approved;
  }

  listResult(result: Result, cursor: unknown): Result {
    return this.filterList(result, cursor, true);
  }

  /**
   * The guard as one session uses it. `gateView` false: the session's upstream was initialized with
   * the client's own capabilities (sampling, roots...), and a server may offer such a client more
   * tools than the gate (which declares none) saw: its extra tools are not counted as drift (with
   * enforce they are still hidden); changed and missing approved tools are.
   */
  forSession(gateView: boolean): SessionTools {
    if (gateView) return this;
    return {
      active: this.active,
      listResult: (result, cursor) => this.filterList(result, cursor, false),
      callRefusal: (tool) => this.callRefusal(tool),
    };
  }

  private filterList(result: Result, cursor: unknown, gateView: boolean): Result {
    const tools = listedTools(result);
    const hashes = new Map(tools.map((t) => [t.name, hashTool(t)]));
    const full = cursor === undefined && (result as { nextCursor?: unknown }).nextCursor === undefined;
    if (this.pinning && gateView) this.observe(hashes, full);
    else if (this.pinning && this.approved) this.observe(new Map([...hashes].filter(([name]) => this.approved?.tools[name])), full);
    if (!this.active) return result;
    const kept = tools.filter((t) => !this.policy.refusal(t.name, hashes.get(t.name), this.pinning ? this.approved : undefined));
    return kept.length === tools.length ? result : { ...result, tools: kept };
  }

  callRefusal(tool: string): ToolRefusal | undefined {
    return this.policy.refusal(tool, this.seen?.[tool], this.pinning ? this.approved : undefined);
  }

  /** A full list the gateway fetched itself (at activation, after list_changed). */
  observeFull(tools: ListedTool[]): void {
    if (this.pinning) this.observe(new Map(tools.map((t) => [t.name, hashTool(t)])), true);
  }

  private observe(hashes: Map<string, ToolHashes>, full: boolean): void {
    const now = Object.fromEntries(hashes);
    if (!this.approved) {
      if (!full) return;
      this.approved = surfaceFrom(now);
      this.seen = now;
      this.o.logger.info(
        { server: this.o.server, instanceId: this.o.instanceId, tools: Object.keys(now).length, surface: this.approved.hash },
        'tools: no surface from the gate; pinning the first full tools/list seen',
      );
      return;
    }
    // a page says nothing about the tools it does not list: those stay as last seen (or approved)
    this.seen = full ? now : { ...(this.seen ?? this.approved.tools), ...now };
    const observed = surfaceFrom(this.seen);
    const diff = diffSurface(this.approved, observed);
    const at = new Date((this.o.now ?? Date.now)()).toISOString();
    const pin = this.policy.pin;
    if (isEmptyDiff(diff)) {
      if (this.driftHash === undefined) return;
      this.driftHash = undefined;
      this.o.logger.info({ server: this.o.server, instanceId: this.o.instanceId }, 'tools: back to the surface approved at the gate');
      this.o.onDrift?.({ server: this.o.server, instanceId: this.o.instanceId, at, drift: null, pin });
      return;
    }
    if (this.driftHash === observed.hash) return;
    this.driftHash = observed.hash;
    this.o.metrics.toolDrift(this.o.server);
    this.o.logger.warn(
      { server: this.o.server, instanceId: this.o.instanceId, drift: describeDiff(diff), pin },
      'tools: tool drift: the server changed its tools without a commit',
    );
    this.o.onDrift?.({ server: this.o.server, instanceId: this.o.instanceId, at, drift: diff, pin });
  }
}
