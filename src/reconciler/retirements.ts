// Instances on their way out. The gateway first drains the sessions pinned to one (clients may keep a
// session open for the whole drain timeout), then the runtime removes it. A drain runs beside the
// syncs, not inside them, so a rollout is not held up by a client that never hangs up; converge does
// not see an instance while it drains (it takes no new session and is never kept or pruned twice).
import type { GatewayRouter } from '../gateway/router.js';
import type { Instance, Runtime } from '../runtimes/runtime.js';
import type { EventSink } from './events.js';

export type Leaving = Pick<Instance, 'id' | 'labels' | 'endpoint'>;

export interface RetirementDeps {
  runtime: Pick<Runtime, 'remove'>;
  router?: GatewayRouter;
  emit: EventSink;
  /** A background removal failed: the instance stays and the next converge prunes it again. */
  onError: (inst: Leaving, err: unknown) => void;
}

export class Retirements {
  private readonly draining = new Map<string, { inst: Leaving; done: Promise<void> }>();

  constructor(private readonly d: RetirementDeps) {}

  has(id: string): boolean {
    return this.draining.has(id);
  }

  /** Drains its sessions in the background, then removes it. */
  drain(inst: Leaving, why: string): void {
    if (this.draining.has(inst.id)) return;
    const done = (async () => {
      await this.d.router?.retire(inst.id);
      await this.remove(inst, why);
    })()
      .catch((err: unknown) => this.d.onError(inst, err))
      .finally(() => this.draining.delete(inst.id));
    this.draining.set(inst.id, { inst, done });
  }

  /** Removes it at once: its sessions get a clean error now (recreate, a failed gate, shutdown). */
  async now(inst: Leaving, why: string): Promise<void> {
    const pending = this.draining.get(inst.id);
    if (pending) {
      void this.d.router?.retire(inst.id, { now: true });
      return pending.done;
    }
    await this.d.router?.retire(inst.id, { now: true });
    await this.remove(inst, why);
  }

  /** Cuts short the drains `which` selects (all by default) and waits until those instances are gone. */
  async cut(which: (inst: Leaving) => boolean = () => true): Promise<void> {
    await Promise.all([...this.draining.values()].filter((x) => which(x.inst)).map((x) => this.now(x.inst, 'drain cut short')));
  }

  private async remove(inst: Leaving, why: string): Promise<void> {
    await this.d.runtime.remove(inst.id);
    this.d.emit({ type: 'server.removed', server: inst.labels.server, instanceId: inst.id, why });
  }
}
