// Resource subscriptions of many sessions over one shared upstream: the upstream is subscribed
// while at least one session wants a URI, and each session hears only about its own URIs.
export class SubscriptionCounts {
  private readonly counts = new Map<string, number>();

  /** true when this is the first session subscribing `uri` (subscribe upstream). */
  add(uri: string): boolean {
    const n = this.counts.get(uri) ?? 0;
    this.counts.set(uri, n + 1);
    return n === 0;
  }

  /** true when the last session let go of `uri` (unsubscribe upstream). */
  remove(uri: string): boolean {
    const n = this.counts.get(uri) ?? 0;
    if (n <= 1) this.counts.delete(uri);
    else this.counts.set(uri, n - 1);
    return n === 1;
  }

  uris(): string[] {
    return [...this.counts.keys()];
  }
}
