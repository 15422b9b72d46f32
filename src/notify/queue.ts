// The delivery queue: one lane per notifier, in order, beside the syncs (a sync only enqueues and
// never waits). Each notification is tried up to MAX_ATTEMPTS times, 1 s doubling between tries
// (cut by up to a fifth at random); a full lane drops its oldest notification.
import type { Clock } from '../health/clock.js';
import type { DesiredNotifier } from '../spec/desired-notifier.js';
import { post, type Attempt } from './deliver.js';
import type { DeliveryMetrics, NotifierStatus } from './notifier-status.js';

export const MAX_ATTEMPTS = 5;
export const RETRY_BASE_MS = 1000;
export const ATTEMPT_TIMEOUT_MS = 10_000;
export const MAX_PENDING = 100;

export interface Outgoing {
  /** Real values (url, secret): only for the POST. */
  notifier: DesiredNotifier;
  /** Secret-free url, for /status and logs. */
  maskedUrl: string;
  event: string;
  commit: string | null;
  /** The raw body, already masked. */
  body: string;
}

export interface QueueDeps {
  clock: Clock;
  metrics?: DeliveryMetrics;
  /** Masks text before it is kept or logged (error messages may quote what the receiver said). */
  mask: (s: string) => string;
  logger?: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  random?: () => number;
  now?: () => number;
  /** Tests shorten the waits. */
  retryBaseMs?: number;
  post?: typeof post;
}

interface Lane {
  status: NotifierStatus;
  items: Outgoing[];
  running: Promise<void> | null;
}

export class DeliveryQueue {
  private readonly lanes = new Map<string, Lane>();
  private readonly stopping = new AbortController();

  constructor(private readonly deps: QueueDeps) {}

  /** Queues one notification; returns at once. */
  push(o: Outgoing): void {
    if (this.stopping.signal.aborted) return;
    const lane = this.lane(o);
    lane.items.push(o);
    if (lane.items.length > MAX_PENDING) {
      const dropped = lane.items.shift()!;
      this.failed(lane, dropped, `dropped: more than ${MAX_PENDING} notifications waiting`);
    }
    lane.status.pending = lane.items.length;
    lane.running ??= this.drain(lane).finally(() => {
      lane.running = null;
    });
  }

  status(names?: ReadonlySet<string>): NotifierStatus[] {
    return [...this.lanes.values()]
      .filter((l) => !names || names.has(l.status.name))
      .map((l) => ({ ...l.status }))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /** Resolves once every lane is empty (tests, shutdown). */
  async idle(): Promise<void> {
    for (const l of this.lanes.values()) await l.running;
  }

  stop(): void {
    this.stopping.abort();
  }

  private lane(o: Outgoing): Lane {
    const name = o.notifier.name;
    let lane = this.lanes.get(name);
    if (!lane) {
      lane = {
        status: { name, type: o.notifier.type, url: o.maskedUrl, lastDelivery: null, lastError: null, failures: 0, deliveries: 0, pending: 0 },
        items: [],
        running: null,
      };
      this.lanes.set(name, lane);
    }
    Object.assign(lane.status, { type: o.notifier.type, url: o.maskedUrl });
    return lane;
  }

  private async drain(lane: Lane): Promise<void> {
    while (lane.items.length > 0 && !this.stopping.signal.aborted) {
      await this.deliver(lane, lane.items[0]);
      lane.items.shift();
      lane.status.pending = lane.items.length;
    }
  }

  private async deliver(lane: Lane, o: Outgoing): Promise<void> {
    const send = this.deps.post ?? post;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const r: Attempt = await send({
        url: o.notifier.url,
        body: o.body,
        ...(o.notifier.secret !== undefined && { secret: o.notifier.secret }),
        timeoutMs: ATTEMPT_TIMEOUT_MS,
        signal: this.stopping.signal,
      });
      if (r.ok) {
        lane.status.deliveries++;
        lane.status.lastDelivery = { at: this.iso(), event: o.event, commit: o.commit, status: r.status };
        this.deps.metrics?.delivered(o.notifier.name);
        this.deps.logger?.info({ notifier: o.notifier.name, url: o.maskedUrl, event: o.event, attempt }, 'notification delivered');
        return;
      }
      if (this.stopping.signal.aborted) return;
      const last = attempt === MAX_ATTEMPTS || !r.retry;
      this.failed(lane, o, `${r.error} (attempt ${attempt} of ${MAX_ATTEMPTS}${last ? '' : ', retrying'})`);
      if (last) return;
      const base = (this.deps.retryBaseMs ?? RETRY_BASE_MS) * 2 ** (attempt - 1);
      await this.deps.clock.sleep(Math.round(base * (1 - 0.2 * (this.deps.random ?? Math.random)())), this.stopping.signal);
    }
  }

  private failed(lane: Lane, o: Outgoing, why: string): void {
    const message = this.deps.mask(why);
    lane.status.failures++;
    lane.status.lastError = { at: this.iso(), event: o.event, message };
    this.deps.metrics?.failed(o.notifier.name);
    this.deps.logger?.warn({ notifier: o.notifier.name, url: o.maskedUrl, event: o.event, err: message }, 'notification not delivered');
  }

  private iso(): string {
    return new Date((this.deps.now ?? Date.now)()).toISOString();
  }
}
