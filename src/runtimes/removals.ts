// Removals under way, and lately done: a second remove() of an instance joins the first, and for a
// while after it the instance's exit is known to be ours, not news (engine events and pod polls can
// report it after the removal returned). A removal that fails is forgotten, so it can be retried.
export class Removals {
  private readonly removals = new Map<string, Promise<void>>();

  constructor(private readonly rememberMs: number) {}

  has(id: string): boolean {
    return this.removals.has(id);
  }

  /** Runs `remove` once for `id` (joining one under way); throws what it throws. */
  async run(id: string, remove: () => Promise<void>): Promise<void> {
    const pending = this.removals.get(id);
    if (pending) return pending;
    // marked before `remove` runs at all: whatever it sets off is already known to be ours
    const removal = Promise.resolve().then(remove);
    this.removals.set(id, removal);
    try {
      await removal;
    } catch (err) {
      this.removals.delete(id);
      throw err;
    }
    setTimeout(() => this.removals.delete(id), this.rememberMs).unref();
  }

  /** Waits for every removal under way (shutdown). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.removals.values()]);
  }
}
