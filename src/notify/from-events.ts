// Which reconciler events are notifications, and the servers each concerns. Sync outcomes are sent
// only once written to the state: sync.finished and drift.repaired are emitted after the write. Tool
// drift (seen at run time) and a canary's decision (promoted or reverted, just before its sync's own
// outcome) are sent as they happen.
import type { ReconcileEvent } from '../reconciler/events.js';
import type { NotifyEventName } from '../spec/desired-notifier.js';
import type { NotifyEvent } from './notify-event.js';

const RESULT_EVENT: Readonly<Record<string, NotifyEventName>> = {
  succeeded: 'succeeded',
  reverted: 'reverted',
  failed: 'reverted',
  invalid: 'invalid',
};

/** Follows one sync from sync.started to sync.finished to learn which servers it touched. */
export class EventTranslator {
  private touched = new Set<string>();
  private failed = new Set<string>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The notification `e` makes, if any. */
  translate(e: ReconcileEvent): NotifyEvent | undefined {
    switch (e.type) {
      case 'sync.started':
        this.touched = new Set();
        this.failed = new Set();
        return undefined;
      case 'server.starting':
      case 'server.removed':
        this.touched.add(e.server);
        return undefined;
      case 'gate.failed':
        this.touched.add(e.server);
        this.failed.add(e.server);
        return undefined;
      case 'sync.finished': {
        const event = RESULT_EVENT[e.result];
        const servers = e.result === 'succeeded' || this.failed.size === 0 ? this.touched : this.failed;
        const out = event && { event, commit: e.commit, result: e.result, reason: e.code, message: e.message, servers: [...servers].sort(), at: this.iso() };
        this.touched = new Set();
        this.failed = new Set();
        return out;
      }
      case 'drift.repaired':
        return {
          event: 'driftRepaired',
          commit: null,
          result: 'repaired',
          reason: 'Healthy',
          message: `${e.server}: restarted: ${e.why}`,
          servers: [e.server],
          at: this.iso(),
        };
      case 'server.toolDrift':
        return { event: 'toolDrift', commit: null, result: 'drifted', reason: e.code, message: e.message, servers: [e.server], at: this.iso() };
      case 'canary.promoted':
        return { event: 'canary', commit: e.commit, result: 'promoted', reason: 'Synced', message: e.message, servers: [e.server], at: this.iso() };
      case 'canary.reverted':
        return { event: 'canary', commit: e.commit, result: 'reverted', reason: e.code, message: e.message, servers: [e.server], at: this.iso() };
      default:
        return undefined;
    }
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }
}
