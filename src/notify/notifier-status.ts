// The metrics a delivery feeds; what /status shows of each notifier is NotifierStatus (reconciler/status.ts).
export type { NotifierStatus } from '../reconciler/status.js';

export interface DeliveryMetrics {
  delivered(notifier: string): void;
  /** A failed attempt, or a notification dropped from a full queue. */
  failed(notifier: string): void;
}
