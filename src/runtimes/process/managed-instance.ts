// What the runtime keeps in memory for one instance it launched or adopted.
import type { ChildProcess } from 'node:child_process';
import type { Instance, InstanceLabels, InstanceState } from '../runtime.js';
import type { InstanceRecord } from './instance-record.js';
import type { StdioChannel } from '../stdio-channel.js';
import type { LogPump } from './log-pump.js';

export interface ManagedInstance {
  record: InstanceRecord;
  labels: InstanceLabels;
  state: InstanceState;
  message?: string;
  /** Secret values of the spec, to scrub from messages. Unknown (empty) for adopted instances. */
  secretValues: readonly string[];
  /** Set for processes this runtime spawned; adopted ones are not our children. */
  child?: ChildProcess;
  /** Set for stdio servers this runtime spawned: the pipes it owns. */
  stdio?: StdioChannel;
  adopted: boolean;
  /** Reads the child's output into its log (absent when the pipe could not be made or opened). */
  pump?: LogPump;
  /** Set once remove()/shutdown() took over: an exit is then expected, not reported. */
  removal?: Promise<void>;
  /** Resolves when the process has exited (whatever the cause). */
  exited: Promise<void>;
  resolveExited: () => void;
}

export function newManaged(fields: Omit<ManagedInstance, 'state' | 'exited' | 'resolveExited'>): ManagedInstance {
  let resolveExited!: () => void;
  const exited = new Promise<void>((r) => (resolveExited = r));
  return { ...fields, state: 'running', exited, resolveExited };
}

export function toInstance(m: ManagedInstance): Instance {
  return {
    id: m.record.id,
    labels: { ...m.labels },
    state: m.state,
    startedAt: m.record.startedAt,
    endpoint: m.record.endpoint,
    ...(m.message !== undefined ? { message: m.message } : {}),
  };
}
