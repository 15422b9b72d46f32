// What a notification tells: one outcome that is already durable (written to the state), in the
// words of /status (result and reason from docs/reference/status-reasons.md).
import type { NotifyEventName } from '../spec/desired-notifier.js';

export interface NotifyEvent {
  event: NotifyEventName;
  /** The commit the outcome is about (null: drift repaired before anything was applied). */
  commit: string | null;
  /** succeeded | reverted | failed | invalid | repaired */
  result: string;
  reason: string;
  message: string;
  /** Servers it concerns (none: the whole commit, e.g. an invalid one). */
  servers: string[];
  /** ISO time of the outcome. */
  at: string;
}
