// The durable state file in --state-dir: read once at start, replaced atomically on each change.
import { mkdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { IDENTITY_KEYS, type Masker } from '../render/mask.js';
import { atomicWrite } from './atomic-write.js';
import { emptyState, HISTORY_LIMIT, upgradeState, type DaemonState, type HistoryEntry } from './model.js';
import { StateWriteError } from './state-error.js';

export const STATE_FILE = 'state.json';

export class StateStore {
  private state: DaemonState;
  private writing: Promise<void> = Promise.resolve();
  /** The last write failed: what is in memory is ahead of the file until a write succeeds. */
  private behind = false;

  private constructor(
    private readonly dir: string,
    state: DaemonState,
    private readonly mask?: Masker,
  ) {
    this.state = deepFreeze(state);
  }

  /**
   * Opens (or creates) the store. A corrupt file is kept aside as state.json.corrupt-<time> and
   * replaced. With `mask`, every state written (and so every state read back) has secret values masked.
   */
  static async open(dir: string, opts: { mask?: Masker } = {}): Promise<{ store: StateStore; recovered?: string }> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, STATE_FILE);
    let raw: string;
    try {
      raw = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { store: new StateStore(dir, emptyState(), opts.mask) };
      throw e;
    }
    try {
      const parsed = JSON.parse(raw) as DaemonState;
      if (parsed.schemaVersion !== 1) throw new Error(`unknown schemaVersion ${String(parsed.schemaVersion)}`);
      return { store: new StateStore(dir, upgradeState(parsed), opts.mask) };
    } catch (e) {
      const aside = `${file}.corrupt-${Date.now()}`;
      await rename(file, aside);
      return {
        store: new StateStore(dir, emptyState(), opts.mask),
        recovered: `state file was unreadable (${e instanceof Error ? e.message : String(e)}); moved to ${aside}`,
      };
    }
  }

  /** The current state, deep-frozen: callers cannot mutate the store, and nothing is copied per read. */
  get(): DaemonState {
    return this.state;
  }

  /** True while the file lags behind what is in memory (the last write failed). */
  get unsaved(): boolean {
    return this.behind;
  }

  /**
   * Applies a change and persists it; writes are serialized in call order. A failed write throws a
   * StateWriteError; the change stays in memory (nothing is forgotten while the disk is full) and
   * the next successful write, or flush(), persists it with everything after it.
   */
  async update(change: (s: DaemonState) => void): Promise<DaemonState> {
    let next = structuredClone(this.state);
    change(next);
    next.history = next.history.slice(0, HISTORY_LIMIT);
    if (this.mask) next = this.mask.deep(next, IDENTITY_KEYS);
    this.state = deepFreeze(next);
    await this.write(next);
    return structuredClone(next);
  }

  /** Writes what is in memory if the file lags behind it; throws a StateWriteError if it still cannot. */
  async flush(): Promise<void> {
    if (this.behind) await this.write(this.state);
  }

  private async write(state: DaemonState): Promise<void> {
    const data = JSON.stringify(state, null, 2);
    const write = this.writing
      .then(() => atomicWrite(join(this.dir, STATE_FILE), data))
      .then(
        () => {
          this.behind = false;
        },
        (e: unknown) => {
          this.behind = true;
          throw new StateWriteError(this.dir, e);
        },
      );
    this.writing = write.catch(() => undefined);
    await write;
  }

  static pushHistory(s: DaemonState, entry: Omit<HistoryEntry, 'id'> & { id?: number }): HistoryEntry {
    const full: HistoryEntry = { ...entry, id: entry.id ?? s.nextSyncId++ };
    s.history = [full, ...s.history.filter((h) => h.id !== full.id)];
    return full;
  }
}

/** Reads the state file without opening a store (CLI `plan`): null when absent. */
export async function readStateFile(dir: string): Promise<DaemonState | null> {
  try {
    return upgradeState(JSON.parse(await readFile(join(dir, STATE_FILE), 'utf8')) as DaemonState);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
