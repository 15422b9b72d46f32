// What the reconciler and /status see of a canary the gateway routes: its weight and the figures
// of the current step, per track (stable = every other instance of the server).
import type { WindowFigures } from './step-window.js';

export type Track = 'stable' | 'canary';

export interface CanaryFigures {
  server: string;
  /** The instance judged. */
  canary: string;
  /** Share (%) of new sessions it gets now. */
  weight: number;
  /** When the current window began (ms since epoch). */
  since: number;
  canaryWindow: WindowFigures;
  stableWindow: WindowFigures;
  /** The canary instance exited (its sessions ended): nothing left to judge. */
  lost?: string;
}
