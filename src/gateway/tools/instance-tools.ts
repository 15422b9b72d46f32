// An active instance's tool guard and, where the gateway can hold a session of its own to the
// instance, its tool watch (list at activation, list again on notifications/tools/list_changed).
// Isolated stdio sessions have no instance to watch until a client opens one: their tools/list
// answers are still compared and filtered as they pass.
import type { ToolSettings } from '../../spec/desired.js';
import type { ToolSurface } from '../../tools/surface.js';
import type { GatewayMetrics } from '../metrics.js';
import type { GatewayLogger } from '../options.js';
import type { UpstreamSource } from '../upstream/upstream.js';
import { ToolGuard, type ToolDriftListener } from './tool-guard.js';
import { ToolWatch } from './tool-watch.js';

export interface InstanceToolsOptions {
  server: string;
  instanceId: string;
  settings: ToolSettings | undefined;
  approved: ToolSurface | undefined;
  /** Where the watch opens its session; undefined = no watch (isolated sessions). */
  watchSource: UpstreamSource | undefined;
  requestTimeoutMs: number;
  metrics: Pick<GatewayMetrics, 'toolDrift'>;
  logger: GatewayLogger;
  onDrift?: ToolDriftListener;
}

export class InstanceTools {
  readonly guard: ToolGuard;
  private readonly watch: ToolWatch | undefined;

  constructor(o: InstanceToolsOptions) {
    this.guard = new ToolGuard({
      server: o.server,
      instanceId: o.instanceId,
      settings: o.settings,
      approved: o.approved,
      metrics: o.metrics,
      logger: o.logger,
      ...(o.onDrift && { onDrift: o.onDrift }),
    });
    if (o.watchSource && this.guard.pinning) {
      this.watch = new ToolWatch({
        server: o.server,
        instanceId: o.instanceId,
        source: o.watchSource,
        requestTimeoutMs: o.requestTimeoutMs,
        logger: o.logger,
        onList: (tools) => this.guard.observeFull(tools),
      });
      void this.watch.start();
    }
  }

  /** The instance is retired: the watch's session goes. */
  close(): Promise<void> {
    return this.watch?.close() ?? Promise.resolve();
  }
}
