// The rendered form of one Notifier document (docs/reference/spec.md#notifier).
export type NotifierType = 'slack' | 'webhook';
export type NotifyEventName = 'succeeded' | 'reverted' | 'invalid' | 'driftRepaired' | 'toolDrift' | 'canary';

export const NOTIFY_EVENTS: readonly NotifyEventName[] = ['succeeded', 'reverted', 'invalid', 'driftRepaired', 'toolDrift', 'canary'];

export interface DesiredNotifier {
  name: string;
  type: NotifierType;
  url: string;
  events: NotifyEventName[];
  /** Globs (* and ?) of server names. */
  servers: string[];
  secret?: string;
}

export interface RenderedNotifier {
  /** Real values: only for delivery. */
  spec: DesiredNotifier;
  /** Secret values as `***`: for logs and /status. */
  masked: DesiredNotifier;
  /** Secret values used (the daemon's Masker learns them). Never serialized. */
  secretValues: string[];
}
