// Notifications as a whole: the Notifier documents of each rendered commit, the reconciler's events
// turned into notifications, masked, and handed to the delivery queue. Nothing here waits.
import type { Registry } from 'prom-client';
import { Counter } from 'prom-client';
import type { Clock } from '../health/clock.js';
import type { EventBus } from '../reconciler/events.js';
import { IDENTITY_KEYS, type Masker } from '../render/mask.js';
import type { RenderedNotifier } from '../spec/desired-notifier.js';
import { EventTranslator } from './from-events.js';
import { concerns } from './glob.js';
import type { NotifierStatus } from './notifier-status.js';
import type { NotifyEvent } from './notify-event.js';
import { body } from './payload.js';
import { DeliveryQueue, type QueueDeps } from './queue.js';

const KEEP_COMMITS = 8;

export interface NotificationsDeps {
  events: EventBus;
  /** The one Masker of the daemon: learns the notifiers' secrets, masks every body and message. */
  mask: Masker;
  clock: Clock;
  /** The daemon's GET /status address, linked from every notification. */
  statusUrl: () => string;
  /** The applied commit (whose notifiers an event without a valid commit of its own uses). */
  applied: () => string | null;
  registry?: Registry;
  logger?: QueueDeps['logger'];
  /** Tests shorten the retry waits. */
  retryBaseMs?: number;
}

export class Notifications {
  private readonly byCommit = new Map<string, RenderedNotifier[]>();
  private latest: RenderedNotifier[] = [];
  private readonly queue: DeliveryQueue;
  private readonly translator = new EventTranslator();
  private readonly unsubscribe: () => void;

  constructor(private readonly deps: NotificationsDeps) {
    const counters = deps.registry && {
      delivered: new Counter({
        name: 'mcp_gitops_notification_deliveries_total',
        help: 'Notifications delivered, by notifier.',
        labelNames: ['notifier'],
        registers: [deps.registry],
      }),
      failed: new Counter({
        name: 'mcp_gitops_notification_failures_total',
        help: 'Failed notification attempts (each retry counts) and dropped notifications, by notifier.',
        labelNames: ['notifier'],
        registers: [deps.registry],
      }),
    };
    this.queue = new DeliveryQueue({
      clock: deps.clock,
      mask: (s) => deps.mask.text(s),
      ...(deps.logger && { logger: deps.logger }),
      ...(deps.retryBaseMs !== undefined && { retryBaseMs: deps.retryBaseMs }),
      ...(counters && {
        metrics: {
          delivered: (notifier) => counters.delivered.inc({ notifier }),
          failed: (notifier) => counters.failed.inc({ notifier }),
        },
      }),
    });
    this.unsubscribe = deps.events.on((e) => {
      const n = this.translator.translate(e);
      if (n) this.send(n);
    });
  }

  /** The notifiers of a commit that rendered without errors (their secrets join the Masker). */
  learn(commit: string, notifiers: readonly RenderedNotifier[]): void {
    for (const n of notifiers) this.deps.mask.add(n.secretValues);
    this.byCommit.delete(commit);
    this.byCommit.set(commit, [...notifiers]);
    while (this.byCommit.size > KEEP_COMMITS) this.byCommit.delete(this.byCommit.keys().next().value!);
    this.latest = [...notifiers];
  }

  /** /status `notifiers`: those of the applied commit, with what each delivered. */
  status(): NotifierStatus[] {
    const current = this.current(null);
    const seen = this.queue.status(new Set(current.map((n) => n.masked.name)));
    return current.map(
      (n) =>
        seen.find((s) => s.name === n.masked.name) ?? {
          name: n.masked.name,
          type: n.masked.type,
          url: n.masked.url,
          lastDelivery: null,
          lastError: null,
          failures: 0,
          deliveries: 0,
          pending: 0,
        },
    );
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  stop(): void {
    this.unsubscribe();
    this.queue.stop();
  }

  /** The notifiers of `commit` when it rendered, else those of the applied commit, else the newest known. */
  private current(commit: string | null): RenderedNotifier[] {
    const applied = this.deps.applied();
    return (commit !== null ? this.byCommit.get(commit) : undefined) ?? (applied !== null ? this.byCommit.get(applied) : undefined) ?? this.latest;
  }

  private send(e: NotifyEvent): void {
    const masked = this.deps.mask.deep(e, IDENTITY_KEYS);
    for (const n of this.current(e.commit)) {
      if (!n.spec.events.includes(e.event) || !concerns(n.spec.servers, e.servers)) continue;
      this.queue.push({
        notifier: n.spec,
        maskedUrl: n.masked.url,
        event: e.event,
        commit: e.commit,
        body: body(n.spec.type, n.spec.name, masked, this.deps.statusUrl()),
      });
    }
  }
}
