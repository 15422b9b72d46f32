// Each server's gateway calls and errors over the last minutes, in fixed time buckets kept in memory
// (the status page's sparkline). Bounded: `buckets` slots per server, reused as time moves on; fed
// by the gateway metrics hook, next to the Prometheus counters, never by a second counting path.

export interface SeriesPoint {
  /** Start of the bucket (ISO). */
  at: string;
  calls: number;
  errors: number;
}

export interface ServerSeries {
  bucketSeconds: number;
  /** Oldest first, the last one being the bucket now filling; always `buckets` points. */
  points: SeriesPoint[];
}

export interface CallSeriesOptions {
  /** Width of one bucket (default 10 s). */
  bucketMs?: number;
  /** Buckets kept per server (default 90: 15 minutes of 10 s). */
  buckets?: number;
  now?: () => number;
}

interface Ring {
  /** Bucket index (time / bucketMs) each slot holds. */
  index: number[];
  calls: number[];
  errors: number[];
}

export class CallSeries {
  private readonly bucketMs: number;
  private readonly size: number;
  private readonly now: () => number;
  private readonly rings = new Map<string, Ring>();

  constructor(o: CallSeriesOptions = {}) {
    this.bucketMs = o.bucketMs ?? 10_000;
    this.size = o.buckets ?? 90;
    this.now = o.now ?? Date.now;
  }

  call(server: string): void {
    const s = this.slot(server);
    s.ring.calls[s.at]++;
  }

  error(server: string): void {
    const s = this.slot(server);
    s.ring.errors[s.at]++;
  }

  /** The last `buckets` buckets of `server` (zeros for a server never called). */
  series(server: string): ServerSeries {
    const current = Math.floor(this.now() / this.bucketMs);
    const ring = this.rings.get(server);
    const points: SeriesPoint[] = [];
    for (let i = current - this.size + 1; i <= current; i++) {
      const at = i % this.size;
      const live = ring !== undefined && ring.index[at] === i;
      points.push({ at: new Date(i * this.bucketMs).toISOString(), calls: live ? ring.calls[at] : 0, errors: live ? ring.errors[at] : 0 });
    }
    return { bucketSeconds: this.bucketMs / 1000, points };
  }

  /** Drops a server's buckets (it is no longer deployed). */
  forget(server: string): void {
    this.rings.delete(server);
  }

  private slot(server: string): { ring: Ring; at: number } {
    const current = Math.floor(this.now() / this.bucketMs);
    let ring = this.rings.get(server);
    if (!ring) {
      ring = { index: new Array<number>(this.size).fill(-1), calls: new Array<number>(this.size).fill(0), errors: new Array<number>(this.size).fill(0) };
      this.rings.set(server, ring);
    }
    const at = current % this.size;
    if (ring.index[at] !== current) {
      ring.index[at] = current;
      ring.calls[at] = 0;
      ring.errors[at] = 0;
    }
    return { ring, at };
  }
}
