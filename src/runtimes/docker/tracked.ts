// What the runtime remembers about a container of ours it has seen: the engine holds the truth
// (labels, state); this adds what the engine cannot tell (secret values, the stdio attachment,
// the exit line it already reported).
import type { StdioAttachment } from './stdio-attachment.js';

export interface Tracked {
  id: string;
  server: string;
  /** Secret values of its spec, to scrub from messages (read back from env for adopted containers). */
  secretValues: string[];
  /** stdio servers: the daemon's connection to the container's stdin/stdout. */
  attachment?: StdioAttachment;
  attaching?: Promise<StdioAttachment>;
  /** Set when a running stdio container cannot be attached: reported as exited so it gets replaced. */
  unattachable?: string;
  /** The exit, reported once (onExit); `message` is its line. */
  exit?: Promise<void>;
  message?: string;
  startedAt?: string;
}

/** How engine states other than running/exited read in an Instance message. */
export function stateMessage(engineState: string): string | undefined {
  switch (engineState) {
    case 'created':
      return 'was created but never started';
    case 'paused':
      return 'was paused out of band';
    case 'restarting':
      return 'is restarting (its restart policy was changed out of band)';
    case 'removing':
      return 'is being removed';
    case 'dead':
      return 'is dead (the engine could not remove it)';
    default:
      return undefined;
  }
}

/** Docker's zero time for "never started". */
export function startedAtOf(state: { StartedAt?: string } | undefined, created: string | number): string {
  const started = state?.StartedAt;
  if (started && !started.startsWith('0001-')) return new Date(started).toISOString();
  return new Date(typeof created === 'number' ? created * 1000 : created).toISOString();
}
