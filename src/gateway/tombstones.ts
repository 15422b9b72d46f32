// Why recently ended sessions ended, so a late request gets "drained, initialize again" rather than
// a bare "not found". Bounded: the oldest are forgotten first.
import type { GatewayError } from './errors.js';

export class Tombstones {
  private readonly ended = new Map<string, GatewayError>();

  constructor(private readonly max: number) {}

  bury(sessionId: string, why: GatewayError): void {
    this.ended.delete(sessionId);
    this.ended.set(sessionId, why);
    while (this.ended.size > this.max) this.ended.delete(this.ended.keys().next().value!);
  }

  why(sessionId: string): GatewayError | undefined {
    return this.ended.get(sessionId);
  }
}
