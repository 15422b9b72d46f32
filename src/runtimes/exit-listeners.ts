// The onExit side of a Runtime, shared by every runtime: listeners added and removed, each told of
// an exit in turn; one that throws is logged and does not keep the others from hearing it.
import type { ExitInfo } from './runtime.js';

export class ExitListeners {
  private readonly listeners = new Set<(info: ExitInfo) => void>();

  constructor(private readonly logger: { error(obj: object, msg?: string): void }) {}

  get size(): number {
    return this.listeners.size;
  }

  add(listener: (info: ExitInfo) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  notify(info: ExitInfo): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(info);
      } catch (err) {
        this.logger.error({ err, id: info.id }, 'onExit listener threw');
      }
    }
  }
}
